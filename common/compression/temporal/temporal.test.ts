/**
 * Planted-answer tests for the temporal and frame-selection methods: static segments must collapse,
 * planted scene cuts must be found at the exact frame, allocations must sum to the budget.
 */
import { describe, expect, it } from 'vitest'
import { createRng } from '../../tensor/rng'
import type { VideoTokens } from '../../tokens'
import { runMethod } from '../registry'
import type { MethodResult } from '../types'
import { bVllmSelect } from './b-vllm-select'
import { dycokeAnchors, dycokeTtm } from './dycoke-ttm'
import { fastVid } from './fastvid'
import { frameFusionMerge } from './framefusion-merge'
import { holiTom, selectStaticWindows } from './holitom'
import { detectKeyframes, keyframesCodec } from './keyframes-codec'
import { pruneVid, refineClusters, segmentLengths } from './prunevid'
import { sceneSegments, sceneStarts } from './scene-segments'
import { consecutiveSimilarity } from '../../tensor/vectors'
import { allocateByWeights } from '../allocation'
import { planOf } from '../plan'
import { globalFeatures } from './global-features'
import { tempMe } from './tempme'
import { bestGrid, linspaceIndices, tsThumbnail } from './ts-thumbnail'
import { videoOf } from '../../../tests/support/method-inputs'

const ctx = { seed: 7 }

const randomFrame = (n: number, d: number, rand: () => number) => Float32Array.from({ length: n * d }, () => rand() * 2 - 1)

/** T identical frames of random patches. */
function staticVideo(T: number, h: number, w: number, d: number, seed = 1): VideoTokens {
  const base = randomFrame(h * w, d, createRng(seed))
  return videoOf(Array.from({ length: T }, () => base.slice()), h, w, d)
}

/** Patch ids (t*N + i) of each output token. */
function members(r: MethodResult): number[][] {
  const out: number[][] = Array.from({ length: r.map.tokenSizes.length }, () => [])
  r.map.groups.forEach((g, k) => g >= 0 && out[g].push(k))
  return out
}

describe('dycoke-ttm', () => {
  it('uses the released code\'s anchors: pairs, and frame t+2 of every window starting before T-4', () => {
    expect(Array.from(dycokeAnchors(8))).toEqual([-1, 0, 0, 2, -1, 4, -1, 6])
    expect(Array.from(dycokeAnchors(12))).toEqual([-1, 0, 0, 2, -1, 4, 4, 6, -1, 8, -1, 10])
    expect(Array.from(dycokeAnchors(5))).toEqual([-1, 0, 0, 2, -1])
  })

  // Each pruned frame differs from its anchor at exactly one planted position.
  const T = 8
  const n = 4
  const d = 3
  const planted = [-1, 2, 1, 3, -1, 0, -1, 3]
  const rand = createRng(3)
  const frames: Float32Array[] = []
  const anchors = dycokeAnchors(T)
  for (let t = 0; t < T; t++) {
    const f = anchors[t] >= 0 ? frames[anchors[t]].slice() : t === 0 ? randomFrame(n, d, rand) : frames[0].slice()
    if (planted[t] >= 0) f.set(randomFrame(1, d, rand), planted[t] * d)
    frames.push(f)
  }
  const video = videoOf(frames, 2, 2, d)
  const keptIn = (r: MethodResult, t: number) => Array.from(r.map.groups.subarray(t * n, t * n + n)).flatMap((g, i) => (g >= 0 ? [i] : []))

  it('keeps exactly the changed patch of each pruned frame, anchors whole', () => {
    // Anchors 0, 4, 6 cost 12 tokens; 5 pruned frames keep one each.
    const r = dycokeTtm.run(video, { tokens: 17 }, { similarityIndexing: 'paper' }, ctx)
    expect(r.report.tokensOut).toBe(17)
    for (const t of [0, 4, 6]) expect(keptIn(r, t)).toEqual([0, 1, 2, 3])
    expect(keptIn(r, 1)).toEqual([2])
    expect(keptIn(r, 2)).toEqual([1])
    expect(keptIn(r, 3)).toEqual([3])
    expect(keptIn(r, 5)).toEqual([0])
    expect(keptIn(r, 7)).toEqual([3])
  })

  it("reproduces the released code's shifted pair index on request", () => {
    // Frame 1 is scored with the last pair's similarity (frames 6, 7: changed at position 3).
    const r = dycokeTtm.run(video, { tokens: 17 }, { similarityIndexing: 'official-repo' }, ctx)
    expect(keptIn(r, 1)).toEqual([3])
    expect(keptIn(r, 3)).toEqual([2]) // pair (0, 1)
    expect(keptIn(r, 7)).toEqual([0]) // pair (4, 5)
  })

  it('reports the anchors when the budget is below them', () => {
    const r = dycokeTtm.run(video, { tokens: 5 }, { similarityIndexing: 'paper' }, ctx)
    expect(r.report.tokensOut).toBe(12)
    expect(r.report.notes.length).toBe(1)
  })
})

describe('framefusion-merge', () => {
  it('collapses a static video into one token per position at the first frame', () => {
    const video = staticVideo(4, 2, 2, 5)
    const r = frameFusionMerge.run(video, { tokens: 4 }, { threshold: 0.6 }, ctx)
    expect(r.report.tokensOut).toBe(4)
    expect(Array.from(r.map.tokenSizes)).toEqual([4, 4, 4, 4])
    expect(Array.from(r.map.tokenFrame)).toEqual([0, 0, 0, 0])
    expect(members(r)).toEqual([0, 1, 2, 3].map((i) => [i, 4 + i, 8 + i, 12 + i]))
    for (let k = 0; k < r.features.length; k++) expect(r.features[k]).toBeCloseTo(video.tokens[0][k], 6)
  })

  it('starts a new run after a cut and averages the run', () => {
    const rand = createRng(5)
    const a = randomFrame(4, 5, rand)
    const b = Float32Array.from(a, (v) => -v) // cosine -1 to a: a cut
    const a2 = Float32Array.from(a, (v, k) => v + (k === 0 ? 0.1 : 0))
    const video = videoOf([a, a2, b, b.slice()], 2, 2, 5)
    const r = frameFusionMerge.run(video, { tokens: 1 }, { threshold: 0.6 }, ctx)
    expect(r.report.tokensOut).toBe(8)
    expect(Array.from(r.map.tokenFrame)).toEqual([0, 0, 0, 0, 2, 2, 2, 2])
    expect(r.features[0]).toBeCloseTo((a[0] + a2[0]) / 2, 6)
  })

  it('merges only the most similar patches when the budget caps the merging', () => {
    const video = staticVideo(3, 2, 2, 5)
    const r = frameFusionMerge.run(video, { tokens: 10 }, { threshold: 0.6 }, ctx)
    expect(r.report.tokensOut).toBe(10)
  })
})

describe('prunevid', () => {
  it('refines frame clusters into contiguous segments like refine_clusters', () => {
    const refined = refineClusters(Int32Array.from([0, 0, 1, 0, 0, 0, 2, 2]))
    expect(Array.from(refined)).toEqual([0, 0, 0, 0, 0, 0, 2, 2])
    expect(segmentLengths(refined)).toEqual([6, 2])
  })

  it('merges a static video into one token per position', () => {
    const video = staticVideo(8, 3, 3, 6) // 9 positions: at most 14, so no spatial clustering
    const r = pruneVid.run(video, { ratio: 0.5 }, { tau: 0.8, temporalSegmentRatio: 0.25, clusterRatio: 0.5, k: 7 }, ctx)
    expect(r.report.tokensOut).toBe(9)
    expect(Array.from(r.map.tokenSizes)).toEqual(new Array(9).fill(8))
    expect(Array.from(r.map.tokenFrame)).toEqual(new Array(9).fill(0))
  })

  it('keeps a dynamic segment apart and clusters large sets', () => {
    const rand = createRng(9)
    const video = videoOf(Array.from({ length: 4 }, () => randomFrame(16, 6, rand)), 4, 4, 6)
    const r = pruneVid.run(video, { ratio: 0.5 }, { tau: 0.8, temporalSegmentRatio: 0.25, clusterRatio: 0.5, k: 7 }, ctx)
    // 16 dynamic tokens per frame > 14: int(16 × 0.5) = 8 clusters per frame.
    expect(r.report.tokensOut).toBe(32)
    expect(r.map.groups.every((g) => g >= 0)).toBe(true)
  })
})

describe('fastvid', () => {
  it('merges a static segment into anchors of the last frame, one per non-salient position', () => {
    const video = staticVideo(4, 4, 4, 6)
    const params = { c: 1, tau: 0.9, d: 0.4, p: 4, alpha: 0.6, globalFeature: 'auto', maxSegmentFrames: 32 }
    const r = fastVid.run(video, { ratio: 0.5 }, params, ctx)
    // retain 8: 5 salient per frame (positions 0..4, the most important) + anchors in frame 3.
    const m = members(r)
    const salient = m.filter((g) => g.length === 1)
    expect(salient.length).toBe(20)
    expect(salient.every(([k]) => k % 16 < 5)).toBe(true)
    const anchors = m.filter((g) => g.length > 1)
    expect(anchors.length).toBe(11)
    for (const g of anchors) {
      expect(g.length).toBe(4)
      expect(new Set(g.map((k) => k % 16)).size).toBe(1)
    }
    expect(r.report.tokensOut).toBeLessThanOrEqual(r.report.budgetTokens)
  })

  it('cuts at the c-1 least similar transitions', () => {
    const rand = createRng(2)
    const a = randomFrame(4, 3, rand)
    const b = randomFrame(4, 3, rand)
    const video = videoOf([a, a, a, b, b, b], 2, 2, 3)
    const params = { c: 2, tau: -1, d: 0.4, p: 4, alpha: 0.6, globalFeature: 'mean', maxSegmentFrames: 0 }
    expect(fastVid.run(video, { ratio: 1 }, params, ctx).report.derived.segments).toBe(2)
  })
})

describe('holitom', () => {
  it('chooses the windows that save the most static tokens', () => {
    // n = 2 positions; transitions 0→1, 1→2, 3→4 static, 2→3 not.
    const mask = Uint8Array.from([1, 1, 1, 1, 0, 0, 1, 1])
    const { windows, saved } = selectStaticWindows(mask, 5, 2, 1024)
    expect(windows).toEqual([
      [0, 2],
      [3, 4],
    ])
    expect(saved).toBe(6)
  })

  it('averages a static video into one token per position', () => {
    const video = staticVideo(4, 3, 3, 6)
    const r = holiTom.run(video, { tokens: 9 }, { tau: 0.8, beta: 0.6, dominantShare: 0, k: 7, maxWindow: 1024 }, ctx)
    expect(r.report.tokensOut).toBe(9)
    expect(Array.from(r.map.tokenSizes)).toEqual(new Array(9).fill(4))
    expect(Array.from(r.map.tokenFrame)).toEqual(new Array(9).fill(0))
    for (let k = 0; k < r.features.length; k++) expect(r.features[k]).toBeCloseTo(video.tokens[0][k], 5)
  })
})

describe('tempme', () => {
  it('merges the second clip of a static pair onto the first, position by position', () => {
    const video = staticVideo(2, 2, 2, 5)
    const r = tempMe.run(video, { tokens: 4 }, { schedule: '2' }, ctx)
    expect(members(r)).toEqual([0, 1, 2, 3].map((i) => [i, 4 + i]))
    expect(Array.from(r.map.tokenFrame)).toEqual([0, 0, 0, 0])
  })

  it('hits the budget exactly over several blocks', () => {
    const rand = createRng(4)
    const video = videoOf(Array.from({ length: 14 }, () => randomFrame(9, 4, rand)), 3, 3, 4)
    for (const tokens of [1, 2, 17, 60, 126]) expect(tempMe.run(video, { tokens }, { schedule: '2-2-3' }, ctx).report.tokensOut).toBe(tokens)
  })
})

/** Ten frames whose class token jumps at frame 5 (a planted scene cut). */
function cutVideo(): VideoTokens {
  const rand = createRng(11)
  const d = 4
  const a = Float32Array.from([1, 0, 0, 0])
  const b = Float32Array.from([0, 1, 0, 0])
  const frames = Array.from({ length: 10 }, () => randomFrame(4, d, rand))
  return videoOf(frames, 2, 2, d, frames.map((_, t) => (t < 5 ? a : b)))
}

describe('keyframes-codec', () => {
  it('makes the planted cut a keyframe and weights keyframes in an exact allocation', () => {
    const video = cutVideo()
    expect(detectKeyframes(globalFeatures(video, 'cls'), 0.15, 0)).toEqual([0, 5])
    const { perFrame } = keyframesCodec.allocate(video, planOf(video, { tokens: 14 }), { threshold: 0.15, keyframeWeight: 4, maxGop: 0, globalFeature: 'auto' }, ctx)
    expect(Array.from(perFrame)).toEqual([3, 1, 1, 1, 1, 3, 1, 1, 1, 1])
  })

  it('adds keyframes at a fixed interval when asked', () => {
    expect(detectKeyframes(globalFeatures(cutVideo(), 'cls'), 0.15, 3)).toEqual([0, 3, 5, 8])
  })
})

describe('scene-segments', () => {
  it('cuts at the planted frame and gives each scene a representative', () => {
    const video = cutVideo()
    expect(sceneStarts(consecutiveSimilarity(globalFeatures(video, 'cls')), 0.85)).toEqual([0, 5])
    const { perFrame } = sceneSegments.allocate(video, planOf(video, { tokens: 8 }), { threshold: 0.85, framesPerScene: 1, globalFeature: 'auto' }, ctx)
    expect(Array.from(perFrame)).toEqual([4, 0, 0, 0, 0, 4, 0, 0, 0, 0])
  })

  it('spreads a larger budget over more frames, summing exactly', () => {
    const video = cutVideo()
    const { perFrame } = sceneSegments.allocate(video, planOf(video, { tokens: 23 }), { threshold: 0.85, framesPerScene: 1, globalFeature: 'auto' }, ctx)
    expect(perFrame.reduce((a, b) => a + b, 0)).toBe(23)
    expect(perFrame.every((k) => k <= 4)).toBe(true)
  })

  it('leads a composition with a spatial method', () => {
    const r = runMethod('scene-segments+tome', cutVideo(), { tokens: 6 }, {}, ctx)
    expect(r.report.tokensOut).toBe(6)
    expect(Array.from(r.map.keptFrames)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0])
  })
})

describe('ts-thumbnail', () => {
  it('tiles 6 equidistant frames 3×2 like find_best_grid', () => {
    expect(Array.from(linspaceIndices(12, 6))).toEqual([0, 2, 4, 7, 9, 11])
    expect(bestGrid(6)).toEqual([3, 2])
    expect(bestGrid(4)).toEqual([2, 2])
    expect(bestGrid(8)).toEqual([4, 2])
  })

  it('keeps the equidistant frames, each pooled into its cell of one frame-sized grid', () => {
    const rand = createRng(6)
    const video = videoOf(Array.from({ length: 12 }, () => randomFrame(24, 3, rand)), 6, 4, 3)
    const r = tsThumbnail.run(video, { tokens: 24 }, { thumbnailFrames: 6 }, ctx)
    expect(r.report.tokensOut).toBe(24)
    expect(Array.from(r.map.keptFrames)).toEqual([1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1])
    // A 6×4 frame into a 2×2-token cell: each token pools 3 rows × 2 columns.
    expect(Array.from(r.map.tokenSizes)).toEqual(new Array(24).fill(6))
    const firstToken = members(r)[0]
    expect(firstToken).toEqual([0, 1, 4, 5, 8, 9])
  })

  it('adds uniformly sampled tokens for the rest of the budget', () => {
    const rand = createRng(6)
    const video = videoOf(Array.from({ length: 12 }, () => randomFrame(24, 3, rand)), 6, 4, 3)
    const r = tsThumbnail.run(video, { tokens: 60 }, { thumbnailFrames: 6 }, ctx)
    expect(r.report.tokensOut).toBe(60)
    expect(r.report.derived.sampledTokens).toBe(36)
  })
})

describe('b-vllm-select', () => {
  it('selects the frame matching the query', () => {
    const video = cutVideo()
    const cls = Array.from({ length: 10 }, (_, t) => Float32Array.from([Math.cos(t / 3), Math.sin(t / 3), 0, 0]))
    video.cls = cls
    // Query mode ranks frames by their embeddings in the text space (here the class tokens stand in).
    Object.assign(video, { frameEmbeds: cls, embedDim: 4 })
    const { perFrame } = bVllmSelect.allocate(video, planOf(video, { tokens: 4 }), { maxFrames: 1, duplicateThreshold: 0.95, globalFeature: 'cls' }, { seed: 1, query: { text: 'q', embedding: cls[7] } })
    expect(Array.from(perFrame)).toEqual([0, 0, 0, 0, 0, 0, 0, 4, 0, 0])
  })

  it('merges near-duplicate selected frames into the first and keeps the budget exact', () => {
    const video = staticVideo(4, 2, 2, 3)
    const params = { maxFrames: 4, duplicateThreshold: 0.95, globalFeature: 'mean' }
    const alloc = bVllmSelect.allocate(video, planOf(video, { tokens: 2 }), params, ctx)
    expect(Array.from(alloc.perFrame)).toEqual([2, 0, 0, 0])
    const r = bVllmSelect.run(video, { tokens: 2 }, params, ctx)
    expect(r.report.tokensOut).toBe(2)
    // Uniform stride keeps positions 1 and 3; frames 1-3 join frame 0's tokens there.
    expect(members(r)).toEqual([
      [1, 5, 9, 13],
      [3, 7, 11, 15],
    ])
  })
})

describe('allocateByWeights', () => {
  it('is proportional, capped and exact', () => {
    expect(Array.from(allocateByWeights([1, 1, 2], 8, 10))).toEqual([2, 2, 4])
    expect(Array.from(allocateByWeights([1, 0, 9], 10, 4))).toEqual([4, 2, 4])
    expect(Array.from(allocateByWeights([1, 1, 1], 2, 10))).toEqual([1, 1, 0])
  })
})
