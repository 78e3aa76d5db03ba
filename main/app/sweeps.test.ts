/**
 * Budget sweeps and exports through the services' one door (dispatch), on a real generated clip
 * with the built-in model: a point per method and budget with the same metrics a single run
 * gives, progress after each point, a method that cannot run reported in its points, cancelling.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnalysisProgress, RunMethodResponse, SweepProgress, SweepResult, VideoSession } from '../../common/ipc/contract'
import { methods } from '../../common/compression/registry'
import { makeClip } from '../../tests/fixtures/videos'
import { dispatch } from './dispatch'
import { type AppServices, createAppServices } from './services'

let dir: string
let services: AppServices
let videoKey: string

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const reply = await dispatch(services, channel, payload)
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code}: ${reply.error.message}`)
  return reply.result as T
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenscope-sweeps-'))
  const clip = await makeClip({ seconds: 3, fps: 8, width: 160, height: 120, kind: 'cuts' })
  services = createAppServices({ shell: 'browser', cacheDir: join(dir, 'cache'), recentFile: join(dir, 'recent.json') })
  const done = new Promise<void>((ok) => services.on('analysis:progress', (e: AnalysisProgress) => e.phase === 'done' && ok()))
  await call('video:probe', { path: clip }) // opened first, as the UI does: the services serve only opened videos
  const session = await call<VideoSession>('analysis:start', { path: clip, modelId: 'tokenscope-dct16', sampling: { mode: 'fps', fps: 4 } })
  videoKey = session.videoKey
  await done
})

afterAll(async () => {
  await services?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('sweep:run', () => {
  it('answers every method at every budget, with the metrics of a single run, and reports progress', async () => {
    const progress: SweepProgress[] = []
    const off = services.on('sweep:progress', (p) => progress.push(p))
    const budgets = [0.05, 0.25, 0.5]
    const needy = methods.find((m) => m.needs.importance === 'required')!
    const sweep = await call<SweepResult>('sweep:run', {
      videoKey,
      methods: [
        { methodId: 'tome', params: {} },
        { methodId: 'uniform-frames', params: {} },
        { methodId: needy.id, params: {} },
      ],
      budgets,
      seed: 1,
      sweepId: 'sw1',
    })
    off()
    expect(sweep.cancelled).toBe(false)
    expect(sweep.points.map((p) => [p.methodId, p.budget])).toEqual(['tome', 'uniform-frames', needy.id].flatMap((m) => budgets.map((b) => [m, b])))
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(progress.every((p) => p.total === 9 && p.sweepId === 'sw1')).toBe(true)
    expect(progress.map((p) => [p.methodId, p.budget])).toEqual(sweep.points.map((p) => [p.methodId, p.budget]))

    // The built-in model has no class attention: that method's points say why, the others ran.
    for (const p of sweep.points.filter((q) => q.methodId === needy.id)) expect(p.error).toMatch(/class.*attention/i)
    const tome = sweep.points.filter((p) => p.methodId === 'tome')
    expect(tome.map((p) => p.report!.tokensOut)).toEqual([...tome.map((p) => p.report!.tokensOut)].sort((a, b) => a - b))
    const single = await call<RunMethodResponse>('method:run', { videoKey, methodId: 'tome', budget: { ratio: 0.25 }, params: {}, seed: 1 })
    expect(tome[1].metrics).toEqual(single.metrics)
    // Keyframes: the frames uniform-frames keeps, in order.
    const uniform = sweep.points.find((p) => p.methodId === 'uniform-frames' && p.budget === 0.25)!
    expect(uniform.keyframes!.length).toBe(uniform.metrics!.keptFrames)
    expect(Array.from(uniform.keyframes!)).toEqual([...uniform.keyframes!].sort((a, b) => a - b))
  })

  it('cancelling answers the points finished so far', async () => {
    let cancelled = false
    const off = services.on('sweep:progress', (p) => {
      if (p.sweepId === 'sw2' && !cancelled) {
        cancelled = true
        void call('sweep:cancel', { sweepId: 'sw2' })
      }
    })
    const sweep = await call<SweepResult>('sweep:run', { videoKey, methods: [{ methodId: 'tome', params: {} }, { methodId: 'divprune', params: {} }], budgets: [0.1, 0.2, 0.3], seed: 0, sweepId: 'sw2' })
    off()
    expect(sweep.cancelled).toBe(true)
    expect(sweep.points.length).toBeGreaterThanOrEqual(1)
    expect(sweep.points.length).toBeLessThan(6)
    // Cancelling a sweep that is not running is harmless.
    await call('sweep:cancel', { sweepId: 'sw2' })
  })
})

describe('export:save', () => {
  it('answers null without a save dialog (browser mode downloads) and refuses a name that is a path', async () => {
    expect(await call('export:save', { name: 'sweep.svg', bytes: new Uint8Array(3) })).toBeNull()
    const reply = await dispatch(services, 'export:save', { name: '../x.csv', bytes: new Uint8Array(1) })
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-request' } })
  })
})
