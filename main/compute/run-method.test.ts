import { afterAll, describe, expect, it } from 'vitest'
import type { VideoTokens } from '../../common/tokens'
import { createRng } from '../../common/tensor/rng'
import { l2NormalizeRows } from '../../common/tensor/vectors'
import { methods, resolveRun, runMethod } from '../../common/compression/registry'
import { splitEvenly } from '../../common/compression/allocation'
import { planOf } from '../../common/compression/plan'
import { allocatingStage, evenAllocation, runsWhole } from '../../common/compression/runner'
import { type Budget, type MethodContext, MethodInputError, type MethodResult, type ParamValues } from '../../common/compression/types'
import { errorReply, handleJob, runFrames, unpackFrames } from './jobs'
import { computeMetricsInWorker, frameRanges, runMethodInWorker, shareVideo, shutdownMethodWorkers } from './run-method'
import { computeMetrics } from '../../common/metrics/index'

/**
 * A small video with structure (frames drift slowly, a few scene cuts, patches correlated with
 * their neighbours) so merging and selection methods have real choices to make. T frames of a
 * 6×6 grid, D = 16, with class tokens and class attention.
 */
function testVideo(T = 10, importanceKind: VideoTokens['importanceKind'] = 'cls-attention'): VideoTokens {
  const rand = createRng(7)
  const h = 6
  const w = 6
  const n = h * w
  const d = 16
  const tokens: Float32Array[] = []
  const cls: Float32Array[] = []
  const importance: Float32Array[] = []
  let base = Float32Array.from({ length: n * d }, () => rand() - 0.5)
  for (let t = 0; t < T; t++) {
    if (t % 4 === 0 && t > 0) base = Float32Array.from({ length: n * d }, () => rand() - 0.5) // scene cut
    const x = Float32Array.from(base, (v, k) => v + 0.2 * (rand() - 0.5) + (k % d === 0 ? Math.floor(k / d / w) * 0.1 : 0))
    tokens.push(x)
    cls.push(Float32Array.from({ length: d }, () => rand() - 0.5))
    const a = Float32Array.from({ length: n }, () => rand() ** 4)
    const s = a.reduce((p, q) => p + q, 0)
    importance.push(a.map((v) => v / s))
  }
  // Text-space embeddings (P = 16) for the prompt-guided methods: the class token and the patch tokens stand in.
  return { modelId: 'toy', grid: { h, w }, dim: d, pts: Float64Array.from({ length: T }, (_, t) => t * 0.5), tokens, cls, importance, importanceKind, embedDim: d, frameEmbeds: cls, patchEmbeds: tokens }
}

const video = testVideo()
const query = l2NormalizeRows(Float32Array.from({ length: 16 }, (_, k) => Math.sin(k)), 16)
// The query as the app embeds it for these methods: with the texts the methods ask for (T*'s background prompt).
const ctx: MethodContext = { seed: 3, query: { text: 'q', embedding: query, prompts: { ' ': l2NormalizeRows(Float32Array.from({ length: 16 }, (_, k) => Math.cos(k)), 16) } } }
const budget: Budget = { ratio: 0.3 }

/** The in-process outcome: the result, or the error's kind and message. */
async function outcome(run: () => MethodResult | Promise<MethodResult>): Promise<MethodResult | { error: string }> {
  try {
    return await run()
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` }
  }
}

/** Plain arrays, so a mismatch prints readably and -0/NaN compare exactly (toEqual on typed arrays is exact too). */
const plain = (r: MethodResult | { error: string }) =>
  'error' in r
    ? r
    : {
        map: { ...r.map, keptFrames: Array.from(r.map.keptFrames), groups: Array.from(r.map.groups), tokenSizes: Array.from(r.map.tokenSizes), tokenFrame: Array.from(r.map.tokenFrame) },
        features: Array.from(r.features),
        report: r.report,
      }

describe('frameRanges', () => {
  it('splits the frames with a budget into contiguous ranges covering the video', () => {
    expect(frameRanges(Int32Array.from([1, 1, 1, 1, 1, 1]), 2)).toEqual([[0, 3], [3, 6]])
    expect(frameRanges(Int32Array.from([0, 5, 0, 0, 5, 5, 0]), 2)).toEqual([[0, 4], [4, 7]])
    expect(frameRanges(Int32Array.from([0, 5, 0]), 4)).toEqual([[0, 3]])
    expect(frameRanges(Int32Array.from([0, 0]), 2)).toEqual([[0, 2]])
    expect(frameRanges(Int32Array.from([1, 1, 1, 1, 1]), 3)).toEqual([[0, 1], [1, 3], [3, 5]])
  })
})

describe('shareVideo', () => {
  it('puts tokens, cls and importance in one SharedArrayBuffer, once', () => {
    const shared = shareVideo(video)
    const buffers = new Set([...shared.tokens, ...shared.cls!, ...shared.importance!].map((a) => a.buffer))
    expect(buffers.size).toBe(1)
    expect([...buffers][0]).toBeInstanceOf(SharedArrayBuffer)
    expect(Array.from(shared.tokens[3])).toEqual(Array.from(video.tokens[3]))
    expect(Array.from(shared.importance![9])).toEqual(Array.from(video.importance![9]))
    expect(shareVideo(shared)).toBe(shared)
  })
})

describe('jobs (in-process)', () => {
  it('plans a plain spatial method with the split its run uses, before any method code runs', () => {
    const spec = resolveRun('tome', {})
    expect(runsWhole(spec)).toBe(false)
    expect(allocatingStage(spec)).toBeNull()
    const total = Math.round(0.3 * 360)
    const perFrame = evenAllocation(planOf(video, budget)).perFrame
    expect(Array.from(perFrame)).toEqual(Array.from(splitEvenly(total, 10, 36)))
    // tome is exact: each frame of the run keeps exactly its planned count.
    const r = runMethod('tome', video, budget, {}, ctx)
    const perFrameOut = Array.from({ length: 10 }, (_, t) => r.map.tokenFrame.filter((f) => f === t).length)
    expect(perFrameOut).toEqual(Array.from(perFrame))
  })
  it('returns the final result for a run that does video-level work itself (dtome calibrate)', () => {
    const r = handleJob({ type: 'whole', video, methodId: 'dtome', params: {}, plan: planOf(video, budget), ctx })
    expect(r.type).toBe('result')
    expect(plain((r as { result: MethodResult }).result)).toEqual(plain(runMethod('dtome', video, budget, {}, ctx)))
    // fixed mode does no video-level work: the run goes on frame by frame.
    expect(handleJob({ type: 'whole', video, methodId: 'dtome', params: { mode: 'fixed' }, plan: planOf(video, budget), ctx }).type).toBe('per-frame')
  })
  it('packs and unpacks frame results', () => {
    const perFrame = Int32Array.from({ length: 10 }, (_, t) => (t === 2 ? 0 : 5))
    const packed = runFrames(video, 'tome', {}, ctx, { perFrame }, 1, 4)
    expect(Array.from(packed.frames)).toEqual([1, 3])
    const back = unpackFrames(packed, 36, 16)
    expect(back.get(3)!.features.length).toBe(packed.counts[1] * 16)
    expect(back.get(3)!.groups.length).toBe(36)
    expect(Math.max(...back.get(3)!.groups) + 1).toBe(packed.counts[1])
  })
  it('turns errors into replies that keep their kind', () => {
    expect(() => handleJob({ type: 'whole', video, methodId: 'no-such-method', params: {}, plan: planOf(video, budget), ctx })).toThrow(MethodInputError)
    expect(errorReply(new MethodInputError('bad'))).toMatchObject({ type: 'error', name: 'MethodInputError', message: 'bad' })
  })
})

describe('runMethodInWorker', () => {
  afterAll(shutdownMethodWorkers)
  const spatialIds = methods.filter((m) => m.kind === 'spatial').map((m) => m.id)
  const frameSelection = methods.filter((m) => m.kind === 'frame-selection').map((m) => m.id)
  const others = methods.filter((m) => m.kind !== 'spatial').map((m) => m.id)
  const compositions = frameSelection.flatMap((f) => ['tome', 'vtc-cls'].filter((s) => spatialIds.includes(s)).map((s) => `${f}+${s}`))

  it('gives results identical to runMethod for every registered method and some compositions', async () => {
    expect(spatialIds.length).toBeGreaterThan(0)
    const ran: string[] = []
    for (const id of [...spatialIds, ...compositions, ...others]) {
      const expected = plain(await outcome(() => runMethod(id, video, budget, {}, ctx)))
      const got = plain(await outcome(() => runMethodInWorker(video, id, budget, {}, ctx, { workers: 2 })))
      expect({ id, ...got }).toEqual({ id, ...expected })
      if (!('error' in expected)) ran.push(id)
    }
    // The comparison is only meaningful if the methods actually ran on this video.
    expect(ran).toEqual(expect.arrayContaining([...spatialIds, ...compositions]))
  })

  it('splits over three workers with the same result, with non-default parameters and an absolute budget', async () => {
    // A plain per-frame spatial method with a numeric parameter, set away from its default.
    const m = methods.find(
      (x) => x.kind === 'spatial' && x.id !== 'dtome' && Object.values(x.params).some((s) => s.type === 'number' || s.type === 'integer'),
    )!
    const [key, spec] = Object.entries(m.params).find(([, s]) => s.type === 'number' || s.type === 'integer')! as [string, { type: string; default: number; max: number }]
    const value = spec.type === 'integer' ? Math.ceil((spec.default + spec.max) / 2) : (spec.default + spec.max) / 2
    const params: ParamValues = { [key]: value }
    expect(runsWhole(resolveRun(m.id, params))).toBe(false)
    const expected = plain(runMethod(m.id, video, { tokens: 77 }, params, ctx))
    expect(plain(await runMethodInWorker(video, m.id, { tokens: 77 }, params, ctx, { workers: 3 }))).toEqual(expected)
    const defaults = plain(runMethod(m.id, video, { tokens: 77 }, {}, ctx))
    if (!('error' in expected)) expect(expected).not.toEqual(defaults) // the parameter mattered, so it was passed through
  })

  it('computes metrics in a worker, identical to computeMetrics', async () => {
    const r = runMethod('tome', video, budget, {}, ctx)
    const opts = { llm: 'qwen2-1.5b', query, annotations: [0.5, 3] }
    expect(await computeMetricsInWorker(video, r, opts)).toEqual(computeMetrics(video, r, opts))
  })

  it('rejects with MethodInputError when the model lacks what the method needs', async () => {
    const needsAttention = methods.find((m) => m.needs.importance === 'required')
    expect(needsAttention).toBeDefined()
    const proxy = testVideo(4, 'saliency-proxy')
    await expect(runMethodInWorker(proxy, needsAttention!.id, budget, {}, ctx)).rejects.toThrow(MethodInputError)
    await expect(runMethodInWorker(video, 'tome', budget, { nonsense: 1 }, ctx)).rejects.toThrow(/has no parameter 'nonsense'/)
  })

  it('stops when aborted', async () => {
    const before = new AbortController()
    before.abort()
    await expect(runMethodInWorker(video, 'tome', budget, {}, ctx, { signal: before.signal })).rejects.toThrow(/abort/i)
    // Aborted while the workers have the job (the call posts it before its first await).
    const during = new AbortController()
    const run = runMethodInWorker(testVideo(40), 'tome', budget, {}, ctx, { signal: during.signal })
    during.abort()
    await expect(run).rejects.toThrow(/abort/i)
    // The next run gets healthy workers.
    expect(plain(await runMethodInWorker(video, 'tome', budget, {}, ctx))).toEqual(plain(runMethod('tome', video, budget, {}, ctx)))
  })
})
