/**
 * The services end to end on a real generated clip with the built-in model, through dispatch
 * (as both shells call them): probe, analysis with progress events, signals, a method run whose
 * map decodes, errors a user can act on, cancelling.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AnalysisProgress, FrameImage, FrameSignals, QuickLook, QuickLookFrames, RunMethodResponse, VideoSession } from '../../common/ipc/contract'
import type { Reply } from '../../common/ipc/reply'
import type { VideoInfo } from '../../common/video'
import { decodeTokenMap } from '../../common/codec/token-map-codec'
import { methods } from '../../common/compression/registry'
import { makeClip } from '../../tests/fixtures/videos'
import { dispatch } from './dispatch'
import { type AppServices, createAppServices } from './services'

/** Every read of a token cache by the services: [videoKey, first frame, frame count]. */
const cacheReads = vi.hoisted(() => [] as [string, number, number][])
vi.mock('../analysis/analyze', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../analysis/analyze')>()
  return {
    ...actual,
    openCacheOf: (videoKey: string, cacheDir?: string) => {
      const cache = actual.openCacheOf(videoKey, cacheDir)
      if (!cache) return null
      const read = (start: number, count: number) => (cacheReads.push([videoKey, start, count]), cache.read(start, count))
      return Object.assign(Object.create(cache), { read })
    },
  }
})

const MODEL = 'tokenscope-dct16'
let dir: string
let clip: string
let services: AppServices
const events: AnalysisProgress[] = []

const call = async <T>(channel: string, payload?: unknown): Promise<T> => {
  const reply = await dispatch(services, channel, payload)
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code}: ${reply.error.message}`)
  return reply.result as T
}
/** Opens `path` as the UI does first (every other video channel serves only opened videos); answers it. */
const opened = async (path: string) => (await call<VideoInfo>('video:probe', { path }), path)
const fail = async (channel: string, payload?: unknown) => {
  const reply: Reply = await dispatch(services, channel, payload)
  if (reply.ok) throw new Error(`${channel} unexpectedly succeeded`)
  return reply.error
}
const finished = (jobId: string) =>
  new Promise<AnalysisProgress>((ok) => {
    const check = () => events.find((e) => e.jobId === jobId && ['done', 'cancelled', 'error'].includes(e.phase))
    const hit = check()
    if (hit) return ok(hit)
    const off = services.on('analysis:progress', () => {
      const e = check()
      if (e) {
        off()
        ok(e)
      }
    })
  })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenscope-services-'))
  // 3 s at 8 fps, a hard scene cut at 1 s and 2 s.
  clip = await makeClip({ seconds: 3, fps: 8, width: 160, height: 120, kind: 'cuts' })
  services = createAppServices({ shell: 'browser', cacheDir: join(dir, 'cache'), recentFile: join(dir, 'recent.json') })
  services.on('analysis:progress', (e) => events.push(e))
})

afterAll(async () => {
  await services?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('app services', () => {
  it('lists models and methods, and probes a video into the recent list', async () => {
    const models = await call<{ id: string; builtIn: boolean; grid: { h: number } }[]>('models:list')
    expect(models.find((m) => m.id === MODEL)).toMatchObject({ builtIn: true, grid: { h: 14 } })
    const list = await call<{ id: string }[]>('methods:list')
    expect(list.map((m) => m.id)).toEqual(methods.map((m) => m.id))
    const info = await call<VideoInfo>('video:probe', { path: clip })
    expect(info.duration).toBeCloseTo(3, 1)
    expect(info.fps).toBeCloseTo(8, 3)
    expect(JSON.parse(readFileSync(join(dir, 'recent.json'), 'utf8'))).toEqual([clip])
    expect(await call<string[]>('video:recent')).toEqual([clip])
    expect(await call<null>('video:choose')).toBeNull()
  })

  it('explains bad input in words a user can act on', async () => {
    const missing = await fail('video:probe', { path: join(dir, 'nope.mp4') })
    expect(missing.code).toBe('missing')
    expect(missing.message).toContain('nope.mp4')
    expect(await fail('video:probe', { path: '' })).toMatchObject({ code: 'bad-request' })
    expect(await fail('video:delete', {})).toMatchObject({ code: 'bad-request' })
    const model = await fail('analysis:start', { path: clip, modelId: 'no-such-model', sampling: { mode: 'fps', fps: 4 } })
    expect(model).toMatchObject({ code: 'unknown-model' })
    expect(model.message).toContain('no-such-model')
    expect(await fail('tokens:signals', { videoKey: 'never-opened' })).toMatchObject({ code: 'no-session' })
  })

  it('quick look: keyframe times at once, then a thumbnail and a novelty per keyframe, at exactly those times', async () => {
    const batches: QuickLookFrames[] = []
    const finishedLook = new Promise<void>((ok) => {
      const off = services.on('quicklook:frames', (b) => {
        batches.push(b)
        if (b.done) {
          off()
          ok()
        }
      })
    })
    // The clip keeps one keyframe per second (-g fps): 0, 1 and 2 s, each one a new scene.
    const look = await call<QuickLook>('video:quick-look', { path: clip })
    expect(Array.from(look.keyframePts)).toEqual([0, 1, 2])
    await finishedLook
    const mine = batches.filter((b) => b.id === look.id)
    expect(mine.length).toBe(batches.length)
    expect(mine.map((b) => b.start)).toEqual(mine.map((_, i) => mine.slice(0, i).reduce((n, b) => n + b.pts.length, 0)))
    const pts = mine.flatMap((b) => Array.from(b.pts))
    expect(pts).toEqual(Array.from(look.keyframePts))
    for (const b of mine) {
      expect(b.path).toBe(clip)
      expect(b.pts).toBeInstanceOf(Float64Array)
      expect(b.novelty).toBeInstanceOf(Float32Array)
      expect(b.rgba).toBeInstanceOf(Uint8Array)
      // 160×120 shown 96 wide, keeping the 4:3 aspect.
      expect([b.width, b.height]).toEqual([96, 72])
      expect(b.rgba.length).toBe(b.pts.length * 96 * 72 * 4)
      expect(b.novelty.length).toBe(b.pts.length)
      for (let i = 3; i < b.rgba.length; i += 4 * 97) expect(b.rgba[i]).toBe(255)
    }
    // Each thumbnail is the frame at its pts: the same picture video:frame decodes there.
    const all = mine.flatMap((b) => Array.from({ length: b.pts.length }, (_, i) => b.rgba.subarray(i * 96 * 72 * 4, (i + 1) * 96 * 72 * 4)))
    for (const [k, t] of pts.entries()) {
      const frame = await call<FrameImage>('video:frame', { path: clip, pts: t, maxWidth: 96 })
      expect(frame.pts).toBe(t)
      expect([frame.width, frame.height]).toEqual([96, 72])
      let diff = 0
      for (let i = 0; i < frame.rgba.length; i++) diff += Math.abs(frame.rgba[i] - all[k][i])
      expect(diff / frame.rgba.length).toBeLessThan(8)
    }
    // Every keyframe starts a new scene: high colour novelty after the first.
    const novelty = mine.flatMap((b) => Array.from(b.novelty))
    expect(novelty[0]).toBe(0)
    for (const n of novelty.slice(1)) expect(n).toBeGreaterThan(0.2)
  })

  it('a new quick look cancels the last one, whose batches stop', async () => {
    const longer = await opened(await makeClip({ seconds: 12, fps: 25, width: 160, height: 120, kind: 'testsrc' }))
    const batches: QuickLookFrames[] = []
    const off = services.on('quicklook:frames', (b) => batches.push(b))
    const first = await call<QuickLook>('video:quick-look', { path: longer })
    const second = await call<QuickLook>('video:quick-look', { path: clip })
    const sentBefore = batches.length
    expect(second.id).not.toBe(first.id)
    await expect.poll(() => batches.some((b) => b.id === second.id && b.done), { timeout: 30_000 }).toBe(true)
    off()
    // (The first may have finished before the second started; it sends nothing after that.)
    expect(batches.slice(sentBefore).filter((b) => b.id === first.id)).toEqual([])
    expect(batches.filter((b) => b.id === second.id).flatMap((b) => Array.from(b.pts))).toEqual([0, 1, 2])
  })

  it('analyzes, serves signals and frames, and runs a method whose map decodes', async () => {
    const session = await call<VideoSession>('analysis:start', { path: clip, modelId: MODEL, sampling: { mode: 'fps', fps: 4 } })
    expect(session).toMatchObject({ modelId: MODEL, grid: { h: 14, w: 14 }, dim: 192, importanceKind: 'saliency-proxy' })
    // Asking while nothing (or little) is encoded yet is fine: the frames so far.
    const early = await call<FrameSignals>('tokens:signals', { videoKey: session.videoKey })
    expect(early.novelty.length).toBe(early.pts.length)
    const end = await finished(session.jobId)
    expect(end.phase).toBe('done')
    expect(events.some((e) => e.jobId === session.jobId && e.phase === 'encoding')).toBe(true)

    const signals = await call<FrameSignals>('tokens:signals', { videoKey: session.videoKey })
    const T = signals.pts.length
    expect(T).toBe(end.framesDone)
    expect(T).toBeGreaterThanOrEqual(11)
    expect(signals.novelty[0]).toBe(0)
    // The two most novel frames are the first ones after the cuts at 1 s and 2 s.
    const ranked = Array.from(signals.novelty.keys()).sort((a, b) => signals.novelty[b] - signals.novelty[a])
    const cutFrames = ranked.slice(0, 2).map((t) => signals.pts[t]).sort((a, b) => a - b)
    expect(cutFrames[0]).toBeGreaterThanOrEqual(1)
    expect(cutFrames[0]).toBeLessThan(1.3)
    expect(cutFrames[1]).toBeGreaterThanOrEqual(2)
    expect(cutFrames[1]).toBeLessThan(2.3)
    expect(signals.concentration.length).toBe(T)
    expect(signals.concentration.some((c) => c > 0)).toBe(true)

    const imp = await call<Float32Array>('tokens:importance', { videoKey: session.videoKey, frame: 1 })
    expect(imp.length).toBe(196)
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3)
    expect(await fail('tokens:importance', { videoKey: session.videoKey, frame: T })).toMatchObject({ code: 'bad-request' })

    const frame = await call<FrameImage>('video:frame', { path: clip, pts: signals.pts[5], maxWidth: 80 })
    expect(frame.pts).toBeCloseTo(signals.pts[5], 6)
    expect(frame.width).toBe(80)
    expect(frame.rgba.length).toBe(frame.width * frame.height * 4)
    expect(frame.rgba[3]).toBe(255)

    const run = await call<RunMethodResponse>('method:run', { videoKey: session.videoKey, methodId: 'tome', budget: { ratio: 0.25 }, params: {}, seed: 1 })
    const map = decodeTokenMap(run.map)
    expect(map.frameCount).toBe(T)
    expect(map.tokenSizes.length).toBe(run.report.tokensOut)
    expect(run.report.tokensOut).toBe(Math.round(0.25 * T * 196))
    expect(run.frameShare.length).toBe(T)
    expect(run.metrics.tokensOut).toBe(run.report.tokensOut)

    // A method that needs real class attention refuses the built-in model's saliency proxy.
    const needy = methods.find((m) => m.needs.importance === 'required')
    if (needy) {
      const err = await fail('method:run', { videoKey: session.videoKey, methodId: needy.id, budget: { ratio: 0.25 }, params: {}, seed: 1 })
      expect(err.code).toBe('method-input')
      expect(err.message).toMatch(/class.*attention/i)
    }
    expect(await fail('method:run', { videoKey: session.videoKey, methodId: 'tome', budget: { ratio: 0.25 }, params: { nope: 1 }, seed: 1 })).toMatchObject({ code: 'method-input' })

    // Opening it again answers from the cache.
    const again = await call<VideoSession>('analysis:start', { path: clip, modelId: MODEL, sampling: { mode: 'fps', fps: 4 } })
    expect(again).toMatchObject({ videoKey: session.videoKey, complete: true, framesReady: T })
    expect((await finished(again.jobId)).phase).toBe('done')
  })

  it('a method run replaces the one still computing in its slot; other slots and slotless runs go on', async () => {
    const session = await call<VideoSession>('analysis:start', { path: clip, modelId: MODEL, sampling: { mode: 'fps', fps: 4 } })
    await finished(session.jobId)
    const request = { videoKey: session.videoKey, methodId: 'tome', budget: { ratio: 0.25 }, params: {}, seed: 1 }
    // All four start in this tick, so the second run of slot a begins while the first still computes.
    const [replaced, slotB, slotless, latest] = await Promise.all([
      dispatch(services, 'method:run', { ...request, slot: 'a' }),
      dispatch(services, 'method:run', { ...request, slot: 'b' }),
      dispatch(services, 'method:run', request),
      dispatch(services, 'method:run', { ...request, budget: { ratio: 0.5 }, slot: 'a' }),
    ])
    expect(replaced).toMatchObject({ ok: false, error: { code: 'superseded' } })
    for (const reply of [slotB, slotless, latest]) expect(reply.ok).toBe(true)
    const tokensOut = (r: Reply) => (r.ok ? (r.result as RunMethodResponse).report.tokensOut : NaN)
    expect(tokensOut(slotB)).toBe(tokensOut(slotless))
    expect(tokensOut(latest)).toBeGreaterThan(1.9 * tokensOut(slotB))
    // The slot is free again: the next run of slot a is not superseded by the ones before.
    expect((await dispatch(services, 'method:run', { ...request, slot: 'a' })).ok).toBe(true)
  })

  it('cancels a running analysis, serves the frames so far, and resumes', async () => {
    const longer = await opened(await makeClip({ seconds: 12, fps: 25, width: 160, height: 120, kind: 'testsrc' }))
    const request = { path: longer, modelId: MODEL, sampling: { mode: 'every-frame' } }
    const session = await call<VideoSession>('analysis:start', request)
    expect(session.complete).toBe(false)
    // Cancel once some frames are in the cache.
    await new Promise<void>((ok) => {
      const off = services.on('analysis:progress', (e) => {
        if (e.jobId === session.jobId && (e.framesDone > 0 || e.phase !== 'encoding')) {
          off()
          ok()
        }
      })
    })
    await call('analysis:cancel', { jobId: session.jobId })
    const end = await finished(session.jobId)
    expect(end.phase).toBe('cancelled')
    expect(end.framesDone).toBeGreaterThan(0)
    expect(end.framesDone).toBeLessThan(300)
    await call('analysis:cancel', { jobId: session.jobId }) // cancelling again is harmless

    const partial = await call<FrameSignals>('tokens:signals', { videoKey: session.videoKey })
    expect(partial.pts.length).toBe(end.framesDone)

    // Resuming completes it; the frames loaded before are extended, not replaced.
    const readsBefore = cacheReads.length
    const resumed = await call<VideoSession>('analysis:start', request)
    expect(resumed.framesReady).toBe(end.framesDone)
    const done = await finished(resumed.jobId)
    expect(done.phase).toBe('done')
    const full = await call<FrameSignals>('tokens:signals', { videoKey: session.videoKey })
    expect(full.pts.length).toBe(300)
    expect(full.pts.every((p, i) => i === 0 || p > full.pts[i - 1])).toBe(true)
    expect(Array.from(full.pts.subarray(0, partial.pts.length))).toEqual(Array.from(partial.pts))
    expect(Array.from(full.novelty.subarray(0, partial.novelty.length))).toEqual(Array.from(partial.novelty))
    // Only the frames after those already loaded were read from the cache again.
    expect(cacheReads.slice(readsBefore)).toEqual([[session.videoKey, partial.pts.length, 300 - partial.pts.length]])
  })
})
