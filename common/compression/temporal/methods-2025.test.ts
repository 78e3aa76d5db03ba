/**
 * Planted-answer tests for the 2025–26 video methods (issue 13): inputs built so the right answer
 * is known by construction.
 */
import { describe, expect, it } from 'vitest'
import { createRng } from '../../tensor/rng'
import { runMethod } from '../registry'
import type { MethodResult } from '../types'
import { evsDissimilarity } from './evs'
import { vidcom2Scales, vidcom2Scores } from './vidcom2'
import { slowFastShares, slowFrames } from './keye-slowfast'
import { adtsSelect, dySegLengths, redundancyTrees } from './flashvid'
import { mergeRepresentatives, quadPyramid } from './sttm'
import { semanticComponents } from './llava-scissor'
import { cosineKMeans } from './vq-codebook'
import { l2NormalizeRows } from '../../tensor/vectors'
import { videoOf } from '../../../tests/support/method-inputs'

const ctx = { seed: 7 }
const f32 = (rows: number[][]) => Float32Array.from(rows.flat())
/** Patch ids (t·N + i) of each output token. */
const members = (r: MethodResult): number[][] => {
  const out: number[][] = Array.from({ length: r.map.tokenSizes.length }, () => [])
  r.map.groups.forEach((g, k) => g >= 0 && out[g].push(k))
  return out
}
const randomRows = (count: number, d: number, rand: () => number) => Array.from({ length: count }, () => Array.from({ length: d }, () => rand() * 2 - 1))

describe('evs', () => {
  // Frame 1 repeats frame 0 except patch 2; frame 2 repeats frame 1 except patch 3.
  const base = [[1, 0], [0, 1], [1, 1], [1, -1]]
  const f1 = base.map((r, i) => (i === 2 ? [-1, 1] : r))
  const f2 = f1.map((r, i) => (i === 3 ? [0, 1] : r))
  const video = videoOf([f32(base), f32(f1), f32(f2)], 2, 2, 2)
  it('keeps the first frame whole, then the patches that changed', () => {
    const dis = evsDissimilarity(video)
    expect(Array.from(dis.subarray(0, 4))).toEqual([255, 255, 255, 255])
    expect(dis[6]).toBeCloseTo(1, 9) // (1,1) → (−1,1): cosine 0
    const r = runMethod('evs', video, { tokens: 6 }, {}, ctx)
    expect(members(r)).toEqual([[0], [1], [2], [3], [6], [11]])
    expect(Array.from(r.map.tokenFrame)).toEqual([0, 0, 0, 0, 1, 2])
  })
  it('keeps frame 0 whole below one frame of budget and says so; threshold mode ignores the budget', () => {
    const r = runMethod('evs', video, { tokens: 2 }, {}, ctx)
    expect(r.report.tokensOut).toBe(4)
    expect(r.report.notes.join()).toMatch(/below one frame/)
    const t = runMethod('evs', video, { tokens: 12 }, { mode: 'threshold', threshold: 0.5 }, ctx)
    expect(members(t).flat()).toEqual([0, 1, 2, 3, 6, 11])
  })
})

describe('vidcom2', () => {
  // Channels 0–1: loud noise (high variance, left out); channels 2–3 carry the directions.
  const rand = createRng(3)
  const token = (dir: number[]) => [10 * (rand() * 2 - 1), 10 * (rand() * 2 - 1), ...dir]
  it('keeps in each frame the tokens least like the frame and the video', () => {
    const frame = (outlier: number) => f32(Array.from({ length: 4 }, (_, i) => token(i === outlier ? [0, 1] : [1, 0])))
    const video = videoOf([frame(3), frame(1)], 2, 2, 4)
    const r = runMethod('vidcom2', video, { tokens: 2 }, {}, ctx)
    expect(members(r)).toEqual([[3], [5]])
  })
  it('gives the frame farthest from the video the larger share', () => {
    const angle = (a: number) => [Math.cos(a), Math.sin(a)]
    const frame = (centre: number) => f32(Array.from({ length: 10 }, (_, i) => token(angle(centre + 0.05 * i))))
    const video = videoOf([frame(0), frame(0), frame(Math.PI / 2)], 2, 5, 4)
    // softmax at temperature 0.01 puts ~all of p on frame 2: scales base·(2/3, 2/3, 5/3), base 0.3.
    const scales = vidcom2Scales(vidcom2Scores(video).vid, 0.3)
    expect(scales[0]).toBeCloseTo(0.2, 6)
    expect(scales[2]).toBeCloseTo(0.5, 6)
    const r = runMethod('vidcom2', video, { tokens: 9 }, {}, ctx)
    expect(r.report.tokensOut).toBe(9)
    expect(Array.from(r.map.tokenFrame).filter((t) => t === 2)).toHaveLength(5)
  })
})

describe('keye-slowfast', () => {
  const rand = createRng(5)
  const a = f32(randomRows(16, 4, rand))
  const b = f32(randomRows(16, 4, rand))
  const video = videoOf([a, a.slice(), b, b.slice()], 4, 4, 4)
  it('makes a frame fast when it repeats the last slow frame, slow otherwise', () => {
    expect(Array.from(slowFrames(video, 0.9, 0.7))).toEqual([1, 0, 1, 0])
  })
  it('gives fast frames 30 % of a slow frame and fills the budget with whole grids', () => {
    // 2 slow frames at 16 tokens + 2 fast at floor(0.3·16) = 4 tokens (2 × 2) = 40.
    expect(slowFastShares({ h: 4, w: 4 }, 2, 2, 40, 0.3, 1)).toEqual({ slowShare: 16, fastShare: 4 })
    expect(slowFastShares({ h: 4, w: 4 }, 2, 2, 39, 0.3, 1)!.slowShare).toBeLessThan(16)
    const r = runMethod('keye-slowfast', video, { tokens: 40 }, {}, ctx)
    expect(r.report.tokensOut).toBe(40)
    expect(r.report.keyframes).toEqual([0, 2])
    // Slow frames unchanged; a fast frame's token is the mean of its 2 × 2 block.
    expect(Array.from(r.features.subarray(0, 4))).toEqual(Array.from(a.subarray(0, 4)))
    const block = [0, 1, 4, 5].map((i) => a.subarray(i * 4, i * 4 + 4))
    const fastFirst = r.features.subarray(16 * 4, 16 * 4 + 4)
    fastFirst.forEach((v, k) => expect(v).toBeCloseTo(block.reduce((s, x) => s + x[k], 0) / 4, 6))
  })
  it('below one token per frame drops fast frames first, within the budget', () => {
    const r = runMethod('keye-slowfast', video, { tokens: 3 }, {}, ctx)
    expect(r.report.tokensOut).toBe(3)
    expect(Array.from(r.map.keptFrames)).toEqual([1, 1, 1, 0])
  })
})

describe('flashvid', () => {
  it('cuts segments where consecutive frames differ, up to the minimum count', () => {
    const rand = createRng(9)
    const sceneA = f32(randomRows(4, 6, rand))
    const sceneB = f32(randomRows(4, 6, rand))
    const video = videoOf([sceneA, sceneA, sceneA, sceneB, sceneB], 2, 2, 6)
    expect(dySegLengths(video, 0.9, 1)).toEqual([3, 2])
    // Three segments wanted: the lowest remaining similarity (all 1 here) adds the first cut.
    expect(dySegLengths(video, 0.9, 3)).toEqual([1, 2, 2])
  })
  it('links each token to its most similar token of the previous frame at any position', () => {
    const [a, b, c, d, e] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, -1, 1, -1]]
    const near = (x: number[]) => x.map((v, k) => v + (k === 3 ? 0.05 : 0))
    const frames = [f32([a, b, c]), f32([near(b), near(a), d]), f32([near(a), e, b])]
    const none = frames.map(() => new Uint8Array(3))
    // frame 1: patch 0 → frame 0 patch 1 (b), patch 1 → patch 0 (a), d is a root; frame 2: a'' → a' → a, b → b' → b.
    expect(Array.from(redundancyTrees(frames, 4, none, 0.8, 0))).toEqual([0, 1, 2, 1, 0, 5, 0, 7, 1])
    // An ADTS token neither links nor is linked to.
    const adts = [Uint8Array.of(1, 0, 0), new Uint8Array(3), new Uint8Array(3)]
    expect(Array.from(redundancyTrees(frames, 4, adts, 0.8, 0)).slice(3, 6)).toEqual([1, 4, 5])
    // A lower bound of 7 unlinked of 9: the soft threshold is the 2nd largest similarity, so only the
    // strongest link (a'' → a', cosine 1; the others are 0.9988) stays.
    expect(Array.from(redundancyTrees(frames, 4, none, 0.8, 7))).toEqual([0, 1, 2, 3, 4, 5, 4, 7, 8])
  })
  it('ADTS picks diverse tokens: one from each of two tight groups', () => {
    const x = f32([[1, 0, 0], [1, 0.01, 0], [0, 0, 1], [0, 0.01, 1]])
    const picked = Array.from(adtsSelect(x, 3, Float32Array.from([1, 1, 1, 1]), undefined, 2))
    expect(picked.filter((i) => i < 2)).toHaveLength(1)
    expect(picked.filter((i) => i >= 2)).toHaveLength(1)
  })
  it('on a static video merges every non-ADTS token into trees rooted in the first frame', () => {
    const frame = f32(randomRows(16, 8, createRng(11)))
    const video = videoOf([frame, frame.slice(), frame.slice(), frame.slice()], 4, 4, 8)
    // r = 0.25: 4 tokens a frame, ceil(4·0.5) = 2 by ADTS, 2·4 = 8 clusters of the 14 roots of frame 0.
    const r = runMethod('flashvid', video, { ratio: 0.25 }, { alpha: 0.5, minSegments: 1 }, ctx)
    expect(r.report.tokensOut).toBe(16)
    expect(Array.from(r.map.tokenFrame)).toEqual([...new Array(10).fill(0), 1, 1, 2, 2, 3, 3])
    for (let i = 0; i < 16; i++) {
      const g = r.map.groups[3 * 16 + i]
      expect(r.map.tokenFrame[g] === 0 || r.map.tokenFrame[g] === 3).toBe(true)
    }
  })
})

describe('sttm', () => {
  it('builds the code’s pyramid: 14 → 2, 4, 7, 14, odd levels pairing the first row and column', () => {
    const p = quadPyramid({ h: 14, w: 14 }, 1)
    expect(p.levels).toEqual([{ h: 4, w: 4 }, { h: 7, w: 7 }, { h: 14, w: 14 }])
    // Root (0, 0) covers the 7 × 7 node (0, 0) alone; its missing slots point at that same node.
    expect(Array.from(p.box.subarray(0, 4))).toEqual([0, 0, 2, 2])
    expect(Array.from(p.valid.subarray(0, 4))).toEqual([1, 0, 0, 0])
    expect(Array.from(p.slot.subarray(0, 4))).toEqual([16, 16, 16, 16])
    // Root (1, 1) pools 7 × 7 rows and columns 1–2: patches 2..5.
    expect(Array.from(p.box.subarray(4 * 5, 4 * 5 + 4))).toEqual([2, 2, 6, 6])
  })
  it('reproduces the representative loop: a coarse node with two finer partners joins only the lower one', () => {
    expect(Array.from(mergeRepresentatives(3, [0, 1], [2, 2]))).toEqual([0, 1, 0])
    // A chain across frames propagates.
    expect(Array.from(mergeRepresentatives(4, [0, 1, 2], [1, 2, 3]))).toEqual([0, 0, 0, 0])
  })
  it('merges a uniform quadrant into one token and repeated frames into the first', () => {
    const rand = createRng(13)
    const u = [1, 2, 3, 4]
    const frame = f32(Array.from({ length: 64 }, (_, i) => (Math.floor(i / 8) < 4 && i % 8 < 4 ? u : randomRows(1, 4, rand)[0])))
    const one = runMethod('sttm', videoOf([frame], 8, 8, 4), { ratio: 1 }, { mode: 'fixed', rootLevel: 0, spatialThreshold: 0.9, temporalThreshold: 0 }, ctx)
    // The top-left 4 × 4 stops at its root; the random quadrants split down to patches (3 · 16).
    expect(one.report.tokensOut).toBe(49)
    expect(members(one)[0]).toEqual([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27])
    const two = runMethod('sttm', videoOf([frame, frame.slice()], 8, 8, 4), { ratio: 1 }, { mode: 'fixed', rootLevel: 0, spatialThreshold: 0.9, temporalThreshold: 0.5 }, ctx)
    expect(two.report.tokensOut).toBe(49)
    expect(Array.from(two.map.tokenFrame).every((t) => t === 0)).toBe(true)
  })
  it('calibrates its thresholds to the most tokens within the budget', () => {
    const rand = createRng(17)
    const video = videoOf(Array.from({ length: 4 }, () => f32(randomRows(64, 6, rand))), 8, 8, 6)
    const r = runMethod('sttm', video, { ratio: 0.3 }, {}, ctx)
    expect(r.report.tokensOut).toBeLessThanOrEqual(r.report.budgetTokens)
    expect(r.report.tokensOut).toBeGreaterThan(0.8 * r.report.budgetTokens)
  })
})

describe('llava-scissor', () => {
  it('finds connected components, not just direct neighbours', () => {
    // a–b and b–c above 0.9, a–c below: one component.
    const unit = l2NormalizeRows(f32([[1, 0], [Math.cos(0.4), Math.sin(0.4)], [Math.cos(0.8), Math.sin(0.8)], [-1, 0]]), 2)
    expect(Array.from(semanticComponents(unit, 2, 0.9, 0.05, createRng(1)))).toEqual([0, 0, 0, 1])
  })
  it('merges repeated groups within and across frames and folds every token into its group', () => {
    const [u, v, w] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    const frame = f32([u, v, u, w, v, u])
    const r = runMethod('llava-scissor', videoOf([frame, frame.slice()], 2, 3, 3), { ratio: 0.5 }, {}, ctx)
    expect(members(r)).toEqual([[0, 2, 5, 6, 8, 11], [1, 4, 7, 10], [3, 9]])
    expect(Array.from(r.features)).toEqual([...u, ...v, ...w])
    expect(r.report.derived).toMatchObject({ components: 3, unjoined: 0 })
  })
})

describe('vq-codebook', () => {
  const [u, v] = [[3, 0], [0, 1]]
  const video = videoOf([f32([u, u, v, v]), f32([[1, 0], u, u, u])], 2, 2, 2)
  it('k-means on unit vectors finds the two directions', () => {
    const { labels } = cosineKMeans(video, 2, 100, 1)
    const l = Array.from(labels)
    expect(new Set([l[0], l[1], l[4], l[5], l[6], l[7]]).size).toBe(1)
    expect(l[2]).toBe(l[3])
    expect(l[2]).not.toBe(l[0])
  })
  it('frame codes: one token per code present in each frame, carrying the code vector', () => {
    // K = floor(4 / 2) = 2: frame 0 has both codes, frame 1 one.
    const r = runMethod('vq-codebook', video, { tokens: 4 }, {}, ctx)
    expect(members(r)).toEqual([[0, 1], [2, 3], [4, 5, 6, 7]])
    // The u code's raw mean over the video: (3·5 + 1) / 6 on the first channel.
    expect(r.features[0]).toBeCloseTo(16 / 6, 6)
    expect(Array.from(r.features.subarray(4, 6))).toEqual(Array.from(r.features.subarray(0, 2)))
    const unit = runMethod('vq-codebook', video, { tokens: 4 }, { codeVector: 'unit-mean' }, ctx)
    expect(unit.features[0]).toBeCloseTo(1, 6)
    expect(r.report.derived).toMatchObject({ codebookSize: 2, codesUsed: 2 })
  })
  it('codebook output: one token per code for the whole video', () => {
    const r = runMethod('vq-codebook', video, { tokens: 2 }, { output: 'codebook' }, ctx)
    expect(members(r)).toEqual([[0, 1, 4, 5, 6, 7], [2, 3]])
    expect(Array.from(r.map.tokenFrame)).toEqual([0, 0])
  })
})
