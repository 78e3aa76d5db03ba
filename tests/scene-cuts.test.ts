/**
 * Scene cuts on the built-in model, end to end: a generated clip with dark-to-dark cuts, a
 * flickering grey shot and a fade through black (fixtures/scenes.ts), analyzed with the built-in
 * DCT model, then scene-segments and keyframes-codec with their default parameters, scored with
 * LV-Haystack's temporal F1 against the hand-made cut list within ±1 s.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { analyzeVideo } from '../main/analysis/analyze'
import { loadVideoTokens } from './support/cached-tokens'
import { resolveBinaries } from '../main/video/binaries'
import { run } from '../main/video/run'
import { runMethod } from '../common/compression/registry'
import { temporalScore } from '../common/metrics/temporal'
import type { VideoTokens } from '../common/tokens'
import type { Sampling } from '../common/video'
import { makeFlickerClip, makeSceneCutClip, type SceneShot } from './fixtures/scenes'

const MODEL = 'tokenscope-dct16'
const DELTA = 1

async function tokensOf(path: string, sampling: Sampling): Promise<VideoTokens> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ts-scenes-'))
  await analyzeVideo({ path, modelId: MODEL, sampling, cacheDir })
  return (await loadVideoTokens({ path, modelId: MODEL, sampling, cacheDir }))!
}

/** The times of the frames a method's derived list names (scene starts, keyframes), frame 0 left out. */
const timesOf = (video: VideoTokens, list: unknown) => String(list).split(',').map(Number).filter((t) => t > 0).map((t) => video.pts[t])

describe('scene cuts on the built-in model', () => {
  let clip: Awaited<ReturnType<typeof makeSceneCutClip>>
  let video: VideoTokens
  beforeAll(async () => {
    clip = await makeSceneCutClip()
    video = await tokensOf(clip.path, { mode: 'fps', fps: 2 })
  })
  const near = (times: number[], t: number) => times.some((x) => Math.abs(x - t) <= DELTA)
  const dark = (s: SceneShot) => /dark/.test(s.what)

  it('the hand-made cut list holds every cut ffmpeg is sure of (scene score > 0.4)', async () => {
    const { ffmpeg } = await resolveBinaries()
    const res = await run(ffmpeg.path, ['-hide_banner', '-nostdin', '-i', clip.path, '-vf', "select='gt(scene,0.4)',showinfo", '-f', 'null', '-'])
    const sure = [...res.stderr.matchAll(/pts_time:([\d.]+)/g)].map((m) => Number(m[1]))
    expect(sure.length).toBeGreaterThan(0)
    for (const t of sure) expect(near(clip.cuts, t), `ffmpeg cut at ${t}`).toBe(true)
  })

  it('scene-segments finds the cuts: temporal F1 ≥ 0.9 within ±1 s, every dark-to-dark cut, none in the flicker', () => {
    const r = runMethod('scene-segments', video, { ratio: 0.1 }, {}, { seed: 1 })
    expect(r.report.derived.globalFeature).toBe('structure')
    const starts = timesOf(video, r.report.derived.sceneStarts)
    const score = temporalScore(starts, clip.cuts, DELTA)!
    expect(score.f1).toBeGreaterThanOrEqual(0.9)
    const { shots } = clip
    for (let i = 1; i < shots.length; i++) if (dark(shots[i - 1]) && dark(shots[i])) expect(near(starts, shots[i].start), `dark cut at ${shots[i].start}`).toBe(true)
    const flicker = shots.find((s) => /flicker/.test(s.what))!
    expect(starts.filter((t) => t > flicker.start + DELTA && t < flicker.end - DELTA)).toEqual([])
  })

  it('keyframes-codec makes a keyframe at every cut', () => {
    const r = runMethod('keyframes-codec', video, { ratio: 0.1 }, {}, { seed: 1 })
    expect(r.report.derived.globalFeature).toBe('structure')
    expect(temporalScore(timesOf(video, r.report.derived.keyframeList), clip.cuts, DELTA)!.recall).toBe(1)
  })

  it('a still picture flickering in brightness is one scene and one keyframe', async () => {
    const flicker = await tokensOf(await makeFlickerClip(), { mode: 'fps', fps: 4 })
    expect(runMethod('scene-segments', flicker, { ratio: 0.1 }, {}, { seed: 1 }).report.derived.sceneStarts).toBe('0')
    expect(runMethod('keyframes-codec', flicker, { ratio: 0.1 }, {}, { seed: 1 }).report.derived.keyframeList).toBe('0')
  })
})
