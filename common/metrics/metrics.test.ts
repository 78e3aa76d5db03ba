import { describe, expect, it } from 'vitest'
import type { VideoTokens } from '../tokens'
import type { MethodResult } from '../compression/types'
import { frameShare } from '../token-map'
import {
  computeMetrics,
  coverage,
  frameFidelity,
  frameFidelityPerFrame,
  frameNovelty,
  importanceConcentration,
  importanceRetained,
  llmPresets,
  methodKeyframes,
  prefillEstimate,
  prefillFlops,
  queryRelevanceRetained,
  standInFrames,
  temporalScore,
  tokenFidelity,
  tokensByFrame,
} from './index'

/**
 * Hand-computable example: grid 1×2 (N = 2), D = 2, T = 3.
 *   frame 0: (1,0) (0,1)   both merged into token 0 = (0.5, 0.5), size 2, placed at frame 0
 *   frame 1: (1,0) (1,1)   patch 0 kept as token 1 = (1, 0), placed at frame 1; patch 1 pruned
 *   frame 2: (0,1) (0,2)   both pruned (frame dropped)
 */
const video: VideoTokens = {
  modelId: 'toy',
  grid: { h: 1, w: 2 },
  dim: 2,
  pts: Float64Array.from([0, 1.5, 3]),
  tokens: [Float32Array.from([1, 0, 0, 1]), Float32Array.from([1, 0, 1, 1]), Float32Array.from([0, 1, 0, 2])],
  importance: [Float32Array.from([0.25, 0.75]), Float32Array.from([0.6, 0.4]), Float32Array.from([0.5, 0.5])],
  importanceKind: 'cls-attention',
}
// The patches in a 2-d text space: the tokens themselves (query relevance is measured there).
video.embedDim = 2
video.patchEmbeds = video.tokens

const result: MethodResult = {
  map: {
    grid: { h: 1, w: 2 },
    frameCount: 3,
    keptFrames: Uint8Array.from([1, 1, 0]),
    groups: Int32Array.from([0, 0, 1, -1, -1, -1]),
    tokenSizes: Float32Array.from([2, 1]),
    tokenFrame: Int32Array.from([0, 1]),
  },
  features: Float32Array.from([0.5, 0.5, 1, 0]),
  report: { budgetTokens: 2, tokensOut: 2, derived: {}, notes: [] },
}
const { map, features } = result

describe('stand-in frames', () => {
  it('groups output tokens by frame', () => {
    const { start, ids } = tokensByFrame(Int32Array.from([2, 0, 2]), 3)
    expect(Array.from(start)).toEqual([0, 1, 1, 3])
    expect(Array.from(ids)).toEqual([1, 0, 2])
  })
  it('uses the nearest frame with output, the earlier on a tie', () => {
    expect(Array.from(standInFrames(Int32Array.from([0, 1]), 3))).toEqual([0, 1, 1])
    expect(Array.from(standInFrames(Int32Array.from([0, 2]), 3))).toEqual([0, 0, 2])
    expect(Array.from(standInFrames(Int32Array.from([2]), 4))).toEqual([2, 2, 2, 2])
    expect(Array.from(standInFrames(Int32Array.from([0, 4]), 5))).toEqual([0, 0, 0, 4, 4])
    expect(Array.from(standInFrames(new Int32Array(0), 2))).toEqual([-1, -1])
  })
})

describe('fidelity and coverage (hand-computed)', () => {
  it('token fidelity = mean cosine of kept/merged patches to their output token', () => {
    // cos((1,0),(.5,.5)) = cos((0,1),(.5,.5)) = 1/√2, cos((1,0),(1,0)) = 1
    expect(tokenFidelity(video, map, features)).toBeCloseTo((2 / Math.SQRT2 + 1) / 3, 6)
  })
  it('frame fidelity per frame, dropped frame scored against its stand-in', () => {
    // f0: (.5,.5) vs (.5,.5) = 1; f1: (1,.5) vs (1,0) = 1/√1.25; f2: (0,1.5) vs frame 1's (1,0) = 0
    const per = frameFidelityPerFrame(video, map, features)
    expect(per[0]).toBeCloseTo(1, 6)
    expect(per[1]).toBeCloseTo(1 / Math.sqrt(1.25), 6)
    expect(per[2]).toBeCloseTo(0, 6)
    expect(frameFidelity(video, map, features)).toBeCloseTo((1 + 1 / Math.sqrt(1.25)) / 3, 6)
  })
  it('frame fidelity weights output tokens by size', () => {
    // one frame, tokens (1,0) size 3 and (0,1) size 1 → after = (.75,.25); before (1,1)/2
    const v: VideoTokens = { ...video, grid: { h: 1, w: 2 }, pts: Float64Array.of(0), tokens: [Float32Array.from([1, 0, 0, 1])], importance: undefined }
    const m = { grid: v.grid, frameCount: 1, keptFrames: Uint8Array.of(1), groups: Int32Array.from([0, 1]), tokenSizes: Float32Array.from([3, 1]), tokenFrame: Int32Array.from([0, 0]) }
    const expected = (0.75 * 0.5 + 0.25 * 0.5) / (Math.hypot(0.75, 0.25) * Math.hypot(0.5, 0.5))
    expect(frameFidelity(v, m, Float32Array.from([1, 0, 0, 1]))).toBeCloseTo(expected, 6)
  })
  it('coverage = mean cosine distance of pruned patches to the nearest stand-in output token', () => {
    // f1p1 (1,1) vs (1,0): 1 - 1/√2; f2p0 (0,1) and f2p1 (0,2) vs frame 1's (1,0): 1 each
    expect(coverage(video, map, features)).toBeCloseTo((1 - 1 / Math.SQRT2 + 2) / 3, 6)
  })
  it('coverage picks the nearest of several candidates, and is 0 with nothing pruned', () => {
    const v: VideoTokens = { ...video, pts: Float64Array.of(0), tokens: [Float32Array.from([0, 1, 1, 0])], importance: undefined }
    const m = { grid: v.grid, frameCount: 1, keptFrames: Uint8Array.of(1), groups: Int32Array.from([-1, 0]), tokenSizes: Float32Array.from([1, 1]), tokenFrame: Int32Array.from([0, 0]) }
    // pruned (0,1) against (1,0) [distance 1] and (1,1) [distance 1 - 1/√2]
    expect(coverage(v, m, Float32Array.from([1, 0, 1, 1]))).toBeCloseTo(1 - 1 / Math.SQRT2, 6)
    const none = { ...m, groups: Int32Array.from([1, 0]) }
    expect(coverage(v, none, Float32Array.from([1, 0, 1, 1]))).toBe(0)
  })
  it('is undefined when nothing is output', () => {
    const empty = { ...map, keptFrames: new Uint8Array(3), groups: new Int32Array(6).fill(-1), tokenSizes: new Float32Array(0), tokenFrame: new Int32Array(0) }
    expect(tokenFidelity(video, empty, new Float32Array(0))).toBeUndefined()
    expect(frameFidelity(video, empty, new Float32Array(0))).toBeUndefined()
    expect(coverage(video, empty, new Float32Array(0))).toBeUndefined()
  })
})

describe('retention', () => {
  it('importance mass retained = Σ non-pruned importance / T, with its kind', () => {
    // frame 0: 0.25 + 0.75, frame 1: 0.6, frame 2: 0
    expect(importanceRetained(video, map)!.value).toBeCloseTo(1.6 / 3, 6)
    expect(importanceRetained(video, map)!.kind).toBe('cls-attention')
    expect(importanceRetained({ ...video, importance: undefined }, map)).toBeUndefined()
  })
  it('query relevance retained = softmax mass on non-pruned patches', () => {
    // q = (1,0), temperature 1: cosines f0: 1, 0; f1: 1, 1/√2; f2: 0, 0
    const e = Math.E
    const expected = (e + 1 + e) / (e + 1 + e + Math.exp(1 / Math.SQRT2) + 1 + 1)
    expect(queryRelevanceRetained(video, map, Float32Array.from([1, 0]), 1)).toBeCloseTo(expected, 6)
    // sharp default temperature: nearly all mass sits on the patches with cosine 1, all of them kept
    expect(queryRelevanceRetained(video, map, Float32Array.from([1, 0]))).toBeGreaterThan(0.999)
    // frame embeddings only: each frame's softmax weight shared by its patches (frame 2 pruned)
    const frames = { ...video, patchEmbeds: undefined, frameEmbeds: [Float32Array.from([1, 0]), Float32Array.from([0, 1]), Float32Array.from([1, 0])] }
    // per patch: e, e (kept) | 1 (kept), 1 | e, e → (2e + 1) / (4e + 2)
    expect(queryRelevanceRetained(frames, map, Float32Array.from([1, 0]), 1)).toBeCloseTo((2 * e + 1) / (4 * e + 2), 6)
    expect(queryRelevanceRetained({ ...video, patchEmbeds: undefined }, map, Float32Array.from([1, 0]))).toBeUndefined()
  })
})

describe('prefill cost model', () => {
  it('matches the formula on a toy configuration', () => {
    const toy = { id: 'toy', name: 'toy', layers: 1, hidden: 4, intermediate: 8, heads: 2, kvHeads: 1 }
    // 2 × (2·3·16 + 2·3·4·2 + 3·3·4·8 + 2·9·4) = 2 × (96 + 48 + 288 + 72)
    expect(prefillFlops(toy, 3)).toBe(1008)
  })
  it('reduces to 24nd² + 4n²d per layer for full attention and a 4× two-matrix-equivalent MLP', () => {
    // 3·d·I with I = 8d/3 equals the 16nd²/2 of a plain 4× MLP: 2·(2d² + 2d² + 8d²)n = 24nd²
    const d = 6
    const plain = { id: 'p', name: 'p', layers: 2, hidden: d, intermediate: (8 * d) / 3, heads: 3, kvHeads: 3 }
    const n = 5
    expect(prefillFlops(plain, n)).toBeCloseTo(2 * (24 * n * d * d + 4 * n * n * d), 6)
  })
  it('linear term ≈ 2 FLOPs per non-embedding parameter (LLaMA-7B ≈ 6.48 B)', () => {
    const llama = llmPresets.find((p) => p.id === 'vicuna-7b')!
    const perToken = prefillFlops(llama, 1) / 2
    expect(perToken / 6.476e9).toBeGreaterThan(0.999)
    expect(perToken / 6.476e9).toBeLessThan(1.001)
  })
  it('speed-up = cost(all + text) / cost(kept + text)', () => {
    const est = prefillEstimate(1000, 100, 'qwen2-0.5b', 64)
    const q = llmPresets[0]
    expect(est.speedup).toBeCloseTo(prefillFlops(q, 1064) / prefillFlops(q, 164), 9)
    expect(est.speedup).toBeGreaterThan(1000 / 164 * 0.9)
    expect(() => prefillEstimate(1, 1, 'gpt-9')).toThrow(/unknown LLM preset/)
  })
  it('has every preset the workbench offers', () => {
    expect(llmPresets.map((p) => p.id)).toEqual(['qwen2-0.5b', 'qwen2-1.5b', 'vicuna-7b', 'qwen2-7b', 'llama-13b', 'yi-34b', 'qwen2-72b'])
    for (const p of llmPresets) expect(p.hidden % p.heads).toBe(0)
  })
})

describe('temporal precision / recall / F1', () => {
  it('scores a video (hand-computed)', () => {
    // δ = 2: predictions 0 ✓ (annotation 1), 10 ✗, 20 ✗ → P = 1/3; annotations 1 ✓, 30 ✗ → R = 1/2
    const s = temporalScore([0, 10, 20], [1, 30], 2)!
    expect(s.precision).toBeCloseTo(1 / 3, 9)
    expect(s.recall).toBeCloseTo(1 / 2, 9)
    expect(s.f1).toBeCloseTo(0.4, 9)
  })
  it('counts a hit exactly at δ, gives F1 0 without hits, skips empty videos', () => {
    expect(temporalScore([3], [1], 2)!.f1).toBe(1)
    expect(temporalScore([3.01], [1], 2)!.f1).toBe(0)
    expect(temporalScore([], [1], 2)).toBeUndefined()
    expect(temporalScore([1], [], 2)).toBeUndefined()
  })
  it('takes explicit keyframes when reported, else kept frames', () => {
    expect(methodKeyframes(result)).toEqual([0, 1])
    expect(methodKeyframes({ ...result, report: { ...result.report, keyframes: [1] } })).toEqual([1])
  })
})

describe('heat rows', () => {
  it('frame heat = output tokens placed in the frame / N', () => {
    expect(Array.from(frameShare(result.map))).toEqual([0.5, 0.5, 0])
  })
  it('frame novelty = 1 - cosine of consecutive mean tokens', () => {
    // means (.5,.5), (1,.5), (0,1.5)
    const nov = frameNovelty(video)
    expect(nov[0]).toBe(0)
    expect(nov[1]).toBeCloseTo(1 - 0.75 / (Math.SQRT1_2 * Math.sqrt(1.25)), 6)
    expect(nov[2]).toBeCloseTo(1 - 0.75 / (Math.sqrt(1.25) * 1.5), 6)
  })
  it('importance concentration = 1 - entropy / ln N', () => {
    const c = importanceConcentration({ ...video, importance: [Float32Array.from([0.25, 0.75]), Float32Array.from([0.5, 0.5]), Float32Array.from([1, 0])] })!
    const h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))
    expect(c[0]).toBeCloseTo(1 - h / Math.LN2, 6)
    expect(c[1]).toBeCloseTo(0, 6)
    expect(c[2]).toBeCloseTo(1, 6)
    expect(importanceConcentration({ ...video, importance: undefined })).toBeUndefined()
  })
})

describe('computeMetrics', () => {
  it('assembles every metric', () => {
    const m = computeMetrics(video, result, { llm: 'qwen2-0.5b', query: Float32Array.from([1, 0]), annotations: [0.5, 10], deltaSeconds: 1 })
    expect(m.tokensIn).toBe(6)
    expect(m.tokensOut).toBe(2)
    expect(m.ratio).toBeCloseTo(1 / 3, 9)
    expect(m.framesIn).toBe(3)
    expect(m.keptFrames).toBe(2)
    expect(m.tokenFidelity).toBeCloseTo((Math.SQRT2 + 1) / 3, 6)
    expect(m.coverage).toBeCloseTo((3 - Math.SQRT1_2) / 3, 6)
    // 3 kept or merged patches at token fidelity, 3 pruned at 1 − coverage: (√2 + 1 + √½) / 6
    expect(m.allPatchFidelity).toBeCloseTo((Math.SQRT2 + 1 + Math.SQRT1_2) / 6, 6)
    expect(m.tokDenseProxy).toBeCloseTo((100 * (Math.SQRT2 + 1 + Math.SQRT1_2)) / 6 / 2, 4)
    // token 0 spreads ½ on columns 0 and 1, token 1 sits on column 0: columns 1.5 : 0.5 of 2 tokens
    expect(m).toMatchObject({ spatialMeanRow: 0.5, spatialRowChi2: 0, spatialMeanCol: 0.375, spatialColChi2: 0.5 })
    expect(m.importanceRetained).toBeCloseTo(1.6 / 3, 6)
    expect(m.importanceKind).toBe('cls-attention')
    expect(m.queryRelevanceRetained).toBeGreaterThan(0.999)
    expect(m.llm).toBe('qwen2-0.5b')
    expect(m.textTokens).toBe(64)
    expect(m.prefillSpeedup).toBeCloseTo(m.prefillFlopsAll / m.prefillFlopsKept, 9)
    // keyframes at pts 0 and 1.5; annotations 0.5 ✓, 10 ✗ → P = 1, R = 1/2
    expect(m).toMatchObject({ temporalPrecision: 1, temporalRecall: 0.5, deltaSeconds: 1, keyframesPredicted: 2, keyframesAnnotated: 2 })
    expect(m.temporalF1).toBeCloseTo(2 / 3, 9)
    for (const v of Object.values(m)) expect(['number', 'string']).toContain(typeof v)
    expect(JSON.parse(JSON.stringify(m))).toEqual(m)
  })
  it('leaves out what it cannot compute', () => {
    const m = computeMetrics({ ...video, importance: undefined, importanceKind: undefined }, { ...result, features: new Float32Array(3) })
    // Spatial bias needs only the map, so it stays.
    expect(Object.keys(m).sort()).toEqual([
      'framesIn', 'keptFrames', 'llm', 'prefillFlopsAll', 'prefillFlopsKept', 'prefillSpeedup', 'ratio',
      'spatialColChi2', 'spatialMeanCol', 'spatialMeanRow', 'spatialRowChi2', 'textTokens', 'tokensIn', 'tokensOut',
    ])
    expect(m.llm).toBe('qwen2-7b')
  })
})
