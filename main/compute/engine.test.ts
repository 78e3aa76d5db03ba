/**
 * The method engine (issue 11): one plan, budget changes answered from prepared data, and runs
 * streamed from the token cache.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { methods, resolveRun, runMethod } from '../../common/compression/registry'
import { planOf, planVideo } from '../../common/compression/plan'
import { runPlanned } from '../../common/compression/runner'
import type { Budget, MethodResult, VideoPlan } from '../../common/compression/types'
import { streamedVideo } from '../cache/streamed-video'
import { openTokenCache, openTokenCacheIfExists } from '../cache/token-cache'
import { syntheticVideo, writeSyntheticCache } from '../bench/synthetic'
import { createPreparedStore } from './prepared-store'
import { runMethodInWorker, runMethodMap, shutdownMethodWorkers } from './run-method'

afterAll(shutdownMethodWorkers)

const video = syntheticVideo(24, { h: 6, w: 6 }, 16, 5, 7)
const ctx = { seed: 2 }
const mapOf = (r: Pick<MethodResult, 'map' | 'report'>) => ({
  groups: Array.from(r.map.groups),
  tokenSizes: Array.from(r.map.tokenSizes),
  tokenFrame: Array.from(r.map.tokenFrame),
  keptFrames: Array.from(r.map.keptFrames),
  report: r.report,
})
const plain = (r: MethodResult) => ({ ...mapOf(r), features: Array.from(r.features) })

describe('the plan', () => {
  it('resolves a budget once into a token count within [1, T·N]', () => {
    expect(planVideo(36, 10, { ratio: 0.3 })).toEqual({ n: 36, frames: 10, tokens: 108 })
    expect(planVideo(36, 10, { ratio: 1e-9 }).tokens).toBe(1)
    expect(planVideo(36, 10, { tokens: 1e6 }).tokens).toBe(360)
    expect(planVideo(36, 10, { tokens: 7.4 }).tokens).toBe(7)
  })

  it('hands every method integers: the spatial stage of a composition gets exactly the allocation', () => {
    const spec = resolveRun('scene-segments+vtc-cls', {})
    if (spec.kind !== 'composition') throw new Error('expected a composition')
    const seen: { keep: number; frame: number }[] = []
    const plans: VideoPlan[] = []
    const spy = {
      ...spec,
      first: { ...spec.first, allocate: (...args: Parameters<typeof spec.first.allocate>) => (plans.push(args[1]), spec.first.allocate(...args)) },
      second: { ...spec.second, frame: (...args: Parameters<typeof spec.second.frame>) => (seen.push({ keep: args[1], frame: args[3].frameIndex }), spec.second.frame(...args)) },
    }
    const r = runPlanned(spy, video, { ratio: 0.2 }, ctx)
    expect(plans).toEqual([planOf(video, { ratio: 0.2 })])
    expect(seen.every((s) => Number.isInteger(s.keep) && s.keep > 0)).toBe(true)
    const alloc = spec.first.allocate(video, plans[0], spec.firstParams, ctx)
    expect(seen).toEqual(Array.from(alloc.perFrame).flatMap((keep, frame) => (keep > 0 ? [{ keep, frame }] : [])))
    expect(r.report.tokensOut).toBe(plans[0].tokens)
    expect(Object.keys(r.report.derived).every((k) => k.startsWith('scene-segments.') || k.startsWith('vtc-cls.'))).toBe(true)
  })

  it('lets adaptive methods report what they really kept beside the budget asked for', () => {
    for (const id of methods.filter((m) => m.budgetMode === 'adaptive' && !m.needs.textQuery).map((m) => m.id)) {
      const r = runMethod(id, video, { ratio: 0.2 }, {}, ctx)
      expect(r.report.budgetTokens).toBe(planOf(video, { ratio: 0.2 }).tokens)
      expect(r.report.tokensOut).toBe(r.map.tokenSizes.length)
    }
  })
})

describe('budget changes answered from prepared data', () => {
  const preparing = methods.filter((m) => (m.kind === 'spatial' && m.prepare) || (m.kind === 'frame-selection' && m.prepare)).map((m) => m.id)
  const ids = [...preparing, 'uniform-frames', 'scene-segments+tome', 'b-vllm-select+visionzip']
  const budget = fc.oneof(
    fc.double({ min: 0.001, max: 1, noNaN: true }).map((ratio): Budget => ({ ratio })),
    fc.integer({ min: 1, max: 24 * 36 }).map((tokens): Budget => ({ tokens })),
  )

  it('covers the methods the slider must answer from cache', () => {
    expect(preparing).toEqual(expect.arrayContaining(['tome', 'divprune', 'vtc-cls', 'visionzip', 'scene-segments', 'keyframes-codec', 'b-vllm-select']))
  })

  it.each(ids)('%s: the token map from prepared data equals a fresh run at every budget', async (id) => {
    const store = createPreparedStore()
    const opts = { prepared: { store, cacheKey: 'synthetic-24' } }
    expect(plain(await runMethodInWorker(video, id, { ratio: 0.3 }, {}, ctx, opts))).toEqual(plain(runMethod(id, video, { ratio: 0.3 }, {}, ctx)))
    if (id.split('+').some((stage) => preparing.includes(stage))) expect(store.bytes).toBeGreaterThan(0)
    await fc.assert(
      fc.asyncProperty(budget, async (b) => {
        expect(mapOf(await runMethodMap(video, id, b, {}, ctx, opts))).toEqual(mapOf(runMethod(id, video, b, {}, ctx)))
      }),
      { numRuns: 12, seed: 11 },
    )
  })

  it('keeps prepared data apart per parameters and seed, and within its byte bound', async () => {
    const store = createPreparedStore(64 * 1024)
    const opts = { prepared: { store, cacheKey: 'synthetic-24' } }
    await runMethodInWorker(video, 'random-prune', { ratio: 0.3 }, {}, { seed: 1 }, opts)
    const other = await runMethodMap(video, 'random-prune', { ratio: 0.3 }, {}, { seed: 9 }, opts)
    expect(mapOf(other)).toEqual(mapOf(runMethod('random-prune', video, { ratio: 0.3 }, {}, { seed: 9 })))
    await runMethodInWorker(video, 'visionzip', { ratio: 0.3 }, { contextualShare: 0.5 }, ctx, opts)
    expect(store.bytes).toBeLessThanOrEqual(64 * 1024)
  })
})

describe('runs streamed from the token cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenscope-engine-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  // 150 frames: more than the streamed video's window (4 chunks of 16 frames) holds at once.
  const T = 150
  writeSyntheticCache(dir, T, { grid: { h: 4, w: 4 }, dim: 8, seed: 3, sceneLength: 20 })
  const cache = openTokenCacheIfExists(dir)!
  const inMemory = cache.read(0, T)
  cache.close()

  it('reads every frame as the cache holds it, through a bounded window', () => {
    const streamed = streamedVideo(dir, { window: 2 })
    try {
      expect(streamed.video.tokens.length).toBe(T)
      for (const t of [0, 149, 17, 0, 80]) expect(Array.from(streamed.video.tokens[t])).toEqual(Array.from(inMemory.tokens[t]))
      expect(streamed.video.tokens.map((x) => x[0])).toEqual(inMemory.tokens.map((x) => x[0]))
      expect(Array.from(streamed.video.pts)).toEqual(Array.from(inMemory.pts))
    } finally {
      streamed.close()
    }
  })

  it('streams text-space embeddings too, when the cache has them', () => {
    const edir = mkdtempSync(join(tmpdir(), 'tokenscope-embeds-'))
    try {
      const n = 4
      const P = 3
      const c = openTokenCache(edir, {
        fingerprint: 'embeds',
        video: { path: '/v.mp4', duration: 3 } as never,
        modelId: 'm',
        sampling: { mode: 'fps', fps: 1 },
        grid: { h: 2, w: 2 },
        dim: 2,
        hasCls: false,
        embedDim: P,
        hasFrameEmbeds: true,
        hasPatchEmbeds: true,
        framesExpected: 3,
      })
      const f = (len: number, k: number) => Float32Array.from({ length: len }, (_, i) => (i + k) / 8)
      c.append({ pts: Float64Array.of(0, 1, 2), tokens: f(3 * n * 2, 0), frameEmbeds: f(3 * P, 1), patchEmbeds: f(3 * n * P, 2) })
      const whole = c.read(0, 3)
      c.close()
      const streamed = streamedVideo(edir)
      try {
        expect(streamed.video.embedDim).toBe(P)
        expect(streamed.video.frameEmbeds!.map((e) => Array.from(e))).toEqual(whole.frameEmbeds!.map((e) => Array.from(e)))
        expect(streamed.video.patchEmbeds!.map((e) => Array.from(e))).toEqual(whole.patchEmbeds!.map((e) => Array.from(e)))
      } finally {
        streamed.close()
      }
    } finally {
      rmSync(edir, { recursive: true, force: true })
    }
  })

  it.each(['tome', 'visionzip', 'scene-segments+divprune', 'b-vllm-select', 'dycoke-ttm', 'tempme', 'fastvid', 'framefusion-merge'])(
    '%s: the same result as in memory',
    async (id) => {
      const budget = { ratio: 0.15 }
      const streamed = await runMethodInWorker({ cacheDir: dir, frames: T }, id, budget, {}, ctx)
      expect(plain(streamed)).toEqual(plain(runMethod(id, inMemory, budget, {}, ctx)))
    },
  )
})
