/** The prompt-guided methods on generated embeddings with planted relevant frames and patches. */
import { describe, expect, it } from 'vitest'
import type { VideoTokens } from '../../tokens'
import { createRng } from '../../tensor/rng'
import { l2NormalizeRows } from '../../tensor/vectors'
import { bVllmSelect } from '../temporal/b-vllm-select'
import { planOf } from '../plan'
import { cdPruner, conditionalRelevance, greedyDppMap } from './cdpruner'
import { chooseAnchors, f2cClips, localMaxima } from './f2c-clips'
import { localOutlierFactor, outlierRatio } from './local-outlier-factor'
import { poolingShape, poolWindows, ppllavaPool } from './ppllava-pool'
import { recoverable } from './recoverable'
import { smoothingSpline } from './smoothing-spline'
import { searchObjects, tstarSearch } from './tstar-search'
import { queryFor } from '../../../tests/support/method-inputs'

const P = 8
const q = l2NormalizeRows(Float32Array.from({ length: P }, (_, k) => (k === 0 ? 1 : 0)), P)
/** A unit vector orthogonal to q (random in the other axes). */
const away = (rand: () => number) => l2NormalizeRows(Float32Array.from({ length: P }, (_, k) => (k === 0 ? 0 : rand() - 0.5)), P)
/** cos(v, q) = c exactly: c·q + √(1 − c²)·(unit orthogonal). */
const withCosine = (c: number, rand: () => number) => {
  const o = away(rand)
  return Float32Array.from(o, (v, k) => (k === 0 ? c : Math.sqrt(1 - c * c) * v))
}
const query = (text = 'a red car') => ({ text, embedding: q })

/** T frames of an h × w grid, random tokens; frame / patch embeddings from `frameCos(t)` and `patchCos(t, i)`. */
function plantedVideo(T: number, h: number, w: number, frameCos: (t: number) => number, patchCos: (t: number, i: number) => number, seed = 3): VideoTokens {
  const rand = createRng(seed)
  const n = h * w
  const D = 6
  return {
    modelId: 'planted',
    grid: { h, w },
    dim: D,
    pts: Float64Array.from({ length: T }, (_, t) => t),
    tokens: Array.from({ length: T }, () => Float32Array.from({ length: n * D }, () => rand() * 2 - 1)),
    importance: Array.from({ length: T }, () => new Float32Array(n).fill(1 / n)),
    importanceKind: 'cls-attention',
    embedDim: P,
    frameEmbeds: Array.from({ length: T }, (_, t) => withCosine(frameCos(t), rand)),
    patchEmbeds: Array.from({ length: T }, (_, t) => {
      const out = new Float32Array(n * P)
      for (let i = 0; i < n; i++) out.set(withCosine(patchCos(t, i), rand), i * P)
      return out
    }),
  }
}

const keptPatches = (groups: Int32Array) => Array.from(groups).flatMap((g, i) => (g >= 0 ? [i] : []))

describe('cdpruner', () => {
  it('greedy MAP picks what an explicit greedy maximisation of log det L_S picks', () => {
    const rand = createRng(11)
    const n = 7
    const d = 4
    const unit = l2NormalizeRows(Float32Array.from({ length: n * d }, () => rand() - 0.5), d)
    const r = Float64Array.from({ length: n }, () => 0.2 + rand())
    const L = (i: number, j: number) => r[i] * r[j] * Array.from({ length: d }, (_, k) => unit[i * d + k] * unit[j * d + k]).reduce((a, b) => a + b, 0)
    const det = (s: number[]) => {
      const m = s.map((i) => s.map((j) => L(i, j)))
      let v = 1
      for (let c = 0; c < m.length; c++) {
        v *= m[c][c]
        for (let rr = c + 1; rr < m.length; rr++) {
          const f = m[rr][c] / m[c][c]
          for (let k = c; k < m.length; k++) m[rr][k] -= f * m[c][k]
        }
      }
      return v
    }
    const explicit: number[] = []
    for (let step = 0; step < 3; step++) {
      let best = -1
      for (let j = 0; j < n; j++) if (!explicit.includes(j) && (best < 0 || det([...explicit, j]) > det([...explicit, best]))) best = j
      explicit.push(best)
    }
    expect(greedyDppMap(unit, d, r, 3)).toEqual(explicit)
  })

  it('prefers a diverse pick: of two identical tokens and a distinct one (equal relevance), it keeps one of each', () => {
    const unit = Float32Array.from([1, 0, 1, 0, 0, 1])
    expect(greedyDppMap(unit, 2, Float64Array.from([1, 1, 1]), 2)).toEqual([0, 2])
    // the kernel's rank is 2: a third pick falls back to relevance order
    expect(greedyDppMap(unit, 2, Float64Array.from([1, 1, 1]), 3)).toEqual([0, 2, 1])
  })

  it('relevance: min–max normalised, signed (CLIP’s minus by default), θ sharpens it', () => {
    const close = (a: Float64Array, b: number[]) => b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 4))
    close(conditionalRelevance(Float32Array.from([0.1, 0.3, 0.2]), { relevanceSign: '-', theta: 0 }), [1, 0, 0.5])
    close(conditionalRelevance(Float32Array.from([0.1, 0.3, 0.2]), { relevanceSign: '+', theta: 0 }), [0, 1, 0.5])
    const a = 0.5 / (2 * 0.5)
    close(conditionalRelevance(Float32Array.from([0.1, 0.3, 0.2]), { relevanceSign: '+', theta: 0.5 }), [Math.exp(a * 5e-6), Math.exp(a), Math.exp(a * 0.5)])
    expect(Array.from(conditionalRelevance(Float32Array.from([0.2, 0.2]), { relevanceSign: '+', theta: 0 }))).toEqual([1, 1])
  })

  it('keeps the planted relevant patches (with the sign that makes them relevant)', () => {
    const planted = [3, 10, 14]
    const video = plantedVideo(2, 4, 4, () => 0.2, (_t, i) => (planted.includes(i) ? 0.9 : -0.1 + 0.01 * i))
    const frame = { tokens: video.tokens[0], grid: video.grid, dim: video.dim, patchEmbeds: video.patchEmbeds![0], embedDim: P }
    const ctx = { seed: 1, frameIndex: 0, query: query() }
    expect(keptPatches(cdPruner.frame(frame, 3, { relevanceSign: '+', theta: 0.9 }, ctx).groups)).toEqual(planted)
    // CLIP's sign: the least similar patches count as relevant, so the planted ones are avoided.
    const minus = keptPatches(cdPruner.frame(frame, 3, { relevanceSign: '-', theta: 0.9 }, ctx).groups)
    expect(minus.some((i) => planted.includes(i))).toBe(false)
  })
})

describe('recoverable', () => {
  it('LOF and the outlier ratio follow scikit-learn (hand-computed: k = 1, one far point has LOF 8)', () => {
    expect(Array.from(localOutlierFactor([0, 1, 2, 10], 1)).map((v) => +v.toFixed(6))).toEqual([1, 1, 1, 8])
    expect(outlierRatio([0, 1, 2, 10], 1)).toBe(0.25)
    expect(outlierRatio([5, 5, 5, 5], 3)).toBe(0)
  })

  it('keeps the attention outliers and the planted query-relevant patches; merges the rest into clusters', () => {
    const n = 36
    // Three text outliers: the reference keeps floor((N − |V|) · 3/36) = 2 of them, the two most similar.
    const video = plantedVideo(1, 6, 6, () => 0.3, (_t, i) => (i === 20 ? 0.95 : i === 33 ? 0.94 : i === 5 ? 0.93 : 0.05 + 0.002 * i))
    const a = Float32Array.from({ length: n }, (_, i) => (i === 7 || i === 8 ? 0.3 : 0.4 / 34 + 1e-4 * (i % 5)))
    const frame = { tokens: video.tokens[0], grid: video.grid, dim: video.dim, importance: a, patchEmbeds: video.patchEmbeds![0], embedDim: P }
    const params = { visualNeighbours: 20, textNeighbours: 20, recoverNeighbours: 10, clusterSize: 32, textWeight: 50 }
    const r = recoverable.frame(frame, 0, params, { seed: 1, frameIndex: 0, query: query() })
    const singles = new Map<number, number[]>()
    r.groups.forEach((g, i) => singles.set(g, [...(singles.get(g) ?? []), i]))
    const own = [...singles.values()].filter((m) => m.length === 1).map((m) => m[0])
    for (const i of [7, 8, 20, 33]) expect(own).toContain(i)
    // Kept patches are unchanged; nothing else is dropped.
    const g7 = r.groups[7]
    expect(Array.from(r.features.subarray(g7 * 6, g7 * 6 + 6))).toEqual(Array.from(video.tokens[0].subarray(7 * 6, 8 * 6)))
    expect(r.derived?.visualRatio).toBeCloseTo(2 / 36, 9)
    expect(r.derived?.textRatio).toBeGreaterThan(0)
  })
})

describe('ppllava-pool', () => {
  it('output shape: the largest volume within the budget, ties towards (2, 3, 3) reductions; windows as get_size', () => {
    expect(poolingShape([32, 24, 24], 1024)).toEqual([16, 8, 8])
    expect(poolingShape([4, 3, 3], 1)).toEqual([1, 1, 1])
    expect(poolingShape([4, 3, 3], 36)).toEqual([4, 3, 3])
    const w = poolWindows(14, 4)
    expect([w.stride, w.kernel, w.window(3)]).toEqual([3, 5, [9, 14]])
    expect(Array.from(w.cellOf)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3])
  })

  it('pools towards the planted relevant patch: one output token ≈ that patch', () => {
    const video = plantedVideo(4, 3, 3, () => 0.2, (t, i) => (t === 2 && i === 4 ? 0.99 : 0))
    const r = ppllavaPool.run(video, { tokens: 1 }, { logitScale: 100, temperature: 0.01 }, { seed: 1, query: query() })
    expect(r.report.tokensOut).toBe(1)
    expect(Array.from(r.features).map((v) => +v.toFixed(4))).toEqual(Array.from(video.tokens[2].subarray(4 * 6, 5 * 6)).map((v) => +v.toFixed(4)))
    // With a flat query (no patch relevant) the same window is a plain mean.
    const flat = plantedVideo(4, 3, 3, () => 0.2, () => 0)
    const m = ppllavaPool.run(flat, { tokens: 1 }, { logitScale: 100, temperature: 0.01 }, { seed: 1, query: query() })
    const mean = Array.from({ length: 6 }, (_, k) => flat.tokens.reduce((s, x) => s + Array.from({ length: 9 }, (_, i) => x[i * 6 + k]).reduce((a, b) => a + b, 0), 0) / 36)
    Array.from(m.features).forEach((v, k) => expect(v).toBeCloseTo(mean[k], 5))
  })
})

describe('f2c-clips', () => {
  const bump = (t: number) => 0.15 + 0.7 * (Math.exp(-((t - 10) ** 2) / 8) + Math.exp(-((t - 30) ** 2) / 8))
  it('anchors on the planted relevance peaks and keeps a clip around each at a lower resolution', () => {
    const video = plantedVideo(40, 4, 4, bump, () => 0)
    // Two frames' worth of tokens: two anchors; the events last ~8 frames, so 8-frame clips at 2 tokens a frame.
    const alloc = f2cClips.allocate(video, planOf(video, { tokens: 2 * 16 }), { clipLength: 0, peakSmoothing: 0 }, { seed: 1, query: query() })
    expect(alloc.derived).toMatchObject({ clipLength: 8, anchors: 2, candidates: 2, framesKept: 16 })
    const kept = Array.from(alloc.perFrame).flatMap((k, t) => (k ? [t] : []))
    expect(kept).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 27, 28, 29, 30, 31, 32, 33, 34])
    expect(alloc.perFrame.reduce((a, b) => a + b, 0)).toBe(32)
    const r = f2cClips.run(video, { tokens: 2 * 16 }, { clipLength: 0, peakSmoothing: 0 }, { seed: 1, query: query() })
    expect(r.report.keyframes).toEqual([10, 30])
    expect(r.report.tokensOut).toBe(32)
    // A fixed clip length of 2: 4 frames at 8 tokens (4 × 4 grid pooled to 2 × 2 = 4 ≤ 8).
    const short = f2cClips.allocate(video, planOf(video, { tokens: 2 * 16 }), { clipLength: 2, peakSmoothing: 0 }, { seed: 1, query: query() })
    expect(Array.from(short.perFrame).flatMap((k, t) => (k ? [[t, k]] : []))).toEqual([[10, 8], [11, 8], [30, 8], [31, 8]])
  })

  it('local maxima and anchors: K-means over time spreads them; too few peaks are topped up by relevance', () => {
    expect(localMaxima([0, 2, 2, 1, 3, 0, 5])).toEqual([2, 4, 6])
    const r = [0, 9, 0, 0, 8, 0, 0, 0, 0, 7]
    expect(chooseAnchors(r, [1, 4, 9], 2)).toEqual([1, 9])
    expect(chooseAnchors(r, [1], 3)).toEqual([1, 4, 9])
  })
})

describe('tstar-search', () => {
  it('finds the planted moment and keeps its frames', () => {
    const video = plantedVideo(100, 2, 2, () => 0, () => 0)
    // The moment matches the query; every other frame matches the background prompt better.
    const background = queryFor(tstarSearch, 'a red car', P).prompts![' ']
    const rand = createRng(4)
    video.frameEmbeds = video.frameEmbeds!.map((_, t) => (t >= 70 && t < 76 ? withCosine(0.9, rand) : Float32Array.from(background, (v) => v + 0.05 * (rand() - 0.5))))
    const params = { gridRows: 4, gridCols: 4, searchBudget: 0.5, confidenceThreshold: 0.6, neighbourWindow: 5, finalSelection: 'topk' }
    const r = tstarSearch.run(video, { tokens: 4 * 4 }, params, { seed: 3, query: queryFor(tstarSearch, 'a red car', P) })
    expect(r.report.keyframes!.every((t) => t >= 65 && t <= 80)).toBe(true)
    expect(r.report.keyframes!.filter((t) => t >= 70 && t < 76).length).toBeGreaterThanOrEqual(2)
    expect(r.report.derived.targetsFound).toBe('1/1')
    expect(Number(r.report.derived.framesExamined)).toBeLessThan(50) // stopped once found
    const sampled = tstarSearch.run(video, { tokens: 4 * 4 }, { ...params, finalSelection: 'sample' }, { seed: 3, query: queryFor(tstarSearch, 'a red car', P) })
    expect(sampled.report.keyframes!.filter((t) => t >= 65 && t <= 80).length).toBeGreaterThanOrEqual(3)
  })

  it('objects: the query is one target; "targets | cues" names them by hand; prompts add the background', () => {
    expect(searchObjects('a red car')).toEqual([{ text: 'a red car', weight: 1, target: true }])
    expect(searchObjects('red car, dog | street')).toEqual([
      { text: 'red car', weight: 1, target: true },
      { text: 'dog', weight: 1, target: true },
      { text: 'street', weight: 0.5, target: false },
    ])
    expect(tstarSearch.prompts!('red car | street', {} as never)).toEqual(['red car', 'street', ' '])
    expect(tstarSearch.prompts!('a red car', {} as never)).toEqual([' '])
  })

  it('smoothing spline: interpolates at s = 0, meets the residual bound, a line when the bound allows one', () => {
    const x = [0, 1, 2, 3, 5, 8, 9]
    const y = [0, 1, 0, 3, 2, 5, 4]
    const exact = smoothingSpline(x, y, 0)
    x.forEach((v, i) => expect(exact.at(v)).toBeCloseTo(y[i], 6))
    const smooth = smoothingSpline(x, y, 0.5)
    expect(smooth.residual).toBeCloseTo(0.5, 6)
    expect(x.reduce((s, v, i) => s + (y[i] - smooth.at(v)) ** 2, 0)).toBeCloseTo(0.5, 6)
    const line = smoothingSpline(x, y, 100)
    expect(line.at(4) - line.at(3)).toBeCloseTo(line.at(7) - line.at(6), 9)
  })
})

describe('b-vllm-select (query mode)', () => {
  it('selects the frames relevant to the query, merging a near-duplicate of a selected one', () => {
    const rand = createRng(9)
    const video = plantedVideo(12, 2, 2, (t) => (t === 3 ? 0.8 : t === 8 ? 0.9 : 0.1), () => 0)
    video.frameEmbeds![9] = Float32Array.from(video.frameEmbeds![8], (v) => v + 0.001 * (rand() - 0.5)) // a near-copy of 8, as relevant
    const alloc = bVllmSelect.allocate(video, planOf(video, { tokens: 8 }), { maxFrames: 3, duplicateThreshold: 0.95, globalFeature: 'mean' }, { seed: 1, query: query() })
    expect(Array.from(alloc.perFrame).flatMap((k, t) => (k ? [t] : []))).toEqual([3, 8])
    expect(alloc.derived).toMatchObject({ ranking: 'query', mergedDuplicates: 1 })
  })
})
