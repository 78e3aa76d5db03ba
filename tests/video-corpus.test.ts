/**
 * Every file of the real-world corpus (fixtures/corpus.ts) against ffmpeg's own decode from the
 * start (framemd5): probe fields, sampled frames (times and pixels, also of a resumed decode, and
 * count sampling: `--frames K`), the frame view at the first, a middle and the last frame, the
 * quick look's keyframes (their times as a full decode gives them, ffprobe -show_frames), the
 * annotation's source-frame stepping (every frame numbered, stepped to exactly). The
 * interrupted analysis of each file is in video-corpus-analysis.test.ts.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeFrameAt, decodeFrames, decodeKeyframes, listFramePts, listKeyframes } from '../main/video/decode'
import { createFrameStepper } from '../main/video/frame-stepper'
import { resolveBinaries } from '../main/video/binaries'
import { run } from '../main/video/run'
import { displaySize, probeDetails, probeVideo } from '../main/video/probe'
import type { Sampling } from '../common/video'
import { corpusClasses } from './fixtures/corpus'
import { countTargets, firstAtOrAfter, prepareCorpusFile as prepare, SAMPLE } from './fixtures/corpus-reference'
import { frameChecksums } from './fixtures/framemd5'

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex')

async function sampled(path: string, sampling: Sampling, resumeAfterPts?: number) {
  const frames: { pts: number; md5: string }[] = []
  for await (const f of decodeFrames(path, { ...SAMPLE, sampling, resumeAfterPts })) frames.push({ pts: f.pts, md5: md5(f.data) })
  return frames
}

const close = (a: number, b: number) => Math.abs(a - b) < 2e-6

const rgbOf = (rgba: Uint8Array) => rgba.filter((_, i) => i % 4 !== 3)

describe.each(corpusClasses.map((c) => c.id))('corpus: %s', (id) => {
  it('probes honestly: frames, start, span, rate and warnings as the stream shows them', async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file, reference } = made
    const { info, timestamps } = await probeDetails(file.path)
    const e = file.expect
    expect(timestamps).toBe(e.timestamps)
    expect(info).toMatchObject({ codec: e.codec, width: e.width, height: e.height, rotation: e.rotation, hasAudio: e.hasAudio })
    expect(info.variableFrameRate).toBe(e.variableFrameRate)
    expect(info.frameCount).toBe(reference.length)
    expect(info.frameCountExact).toBe(true)
    expect(info.startTime).toBeCloseTo(reference[0].pts, 5)
    expect(Array.from(await listFramePts(file.path))).toEqual(reference.map((r) => expect.closeTo(r.pts, 5)))
    // The duration is the frames' span (first to last plus one frame), give or take a frame and a half.
    const pts = reference.map((r) => r.pts)
    const gaps = pts.slice(1).map((p, i) => p - pts[i])
    const frame = e.fps ? 1 / e.fps : Math.max(...gaps)
    const span = pts[pts.length - 1] - pts[0] + (e.fps ? frame : 0)
    expect(info.duration).toBeGreaterThanOrEqual(span - 1.5 * frame)
    expect(info.duration).toBeLessThanOrEqual(span + 1.5 * frame)
    if (e.fps) {
      expect(info.fps).toBeCloseTo(e.fps, 2)
      expect(info.nominalFps).toBeCloseTo(e.fps, 2)
    }
    expect(info.warnings.some((w) => /duration/.test(w))).toBe(e.durationWarning)
    if (!e.durationWarning) expect(info.warnings).toEqual([])
  })

  it("samples the frames ffmpeg's framemd5 has at those times, pixel for pixel (fps and count sampling)", async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file, reference } = made
    const info = await probeVideo(file.path)
    const byPts = (p: number) => reference.find((r) => close(r.pts, p))
    const pts = reference.map((r) => r.pts)
    const check = (frames: { pts: number; md5: string }[], expected: number[]) => {
      expect(frames.map((f) => f.pts)).toEqual(expected.map((p) => expect.closeTo(p, 5)))
      for (const f of frames) expect(f.md5, `frame at ${f.pts}`).toBe(byPts(f.pts)?.md5)
    }
    check(await sampled(file.path, { mode: 'fps', fps: 3 }), firstAtOrAfter(pts, Array.from({ length: 40 }, (_, k) => k / 3)))
    const K = 10
    const counted = await sampled(file.path, { mode: 'count', frames: K })
    expect(counted).toHaveLength(K)
    check(counted, countTargets(pts, info.duration, K))
    // A resumed decode (what a resumed analysis runs) gives the rest of the same frames, pixel for pixel.
    expect(await sampled(file.path, { mode: 'count', frames: K }, counted[3].pts)).toEqual(counted.slice(4))
  })

  it('shows the first, a middle and the last frame exactly (frame view)', async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file } = made
    const display = await frameChecksums(file.path)
    const size = displaySize(await probeVideo(file.path))
    for (const i of [0, Math.floor(display.length / 2), display.length - 1]) {
      const frame = await decodeFrameAt(file.path, display[i].pts)
      expect(frame.pts).toBeCloseTo(display[i].pts, 5)
      expect([frame.width, frame.height]).toEqual([size.width, size.height])
      expect(md5(frame.data), `frame ${i} at ${display[i].pts}`).toBe(display[i].md5)
    }
  })

  it('numbers every frame and steps to it exactly, forward and back (hand annotation)', async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file } = made
    const display = await frameChecksums(file.path)
    const size = displaySize(await probeVideo(file.path))
    const stepper = createFrameStepper()
    try {
      const table = await stepper.table(file.path)
      expect(Array.from(table.pts)).toEqual(display.map((d) => expect.closeTo(d.pts, 5)))
      expect(Array.from(table.keyframes, (i) => table.pts[i])).toEqual(Array.from(await listKeyframes(file.path)))
      const mid = Math.floor(display.length / 2)
      for (const i of [mid, mid + 1, mid - 1, display.length - 1, 0]) {
        const frame = await stepper.frame(file.path, i, size.width)
        expect([frame.index, frame.width, frame.height]).toEqual([i, size.width, size.height])
        expect(frame.pts).toBeCloseTo(display[i].pts, 5)
        expect(md5(rgbOf(frame.rgba)), `frame ${i} at ${display[i].pts}`).toBe(display[i].md5)
      }
    } finally {
      stepper.close()
    }
  })

  it('lists the keyframes, and decodes their thumbnails, at the times a full decode gives them (quick look)', async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file } = made
    const { ffprobe } = await resolveBinaries()
    const res = await run(ffprobe.path, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=key_frame,best_effort_timestamp_time', '-of', 'csv=p=0', file.path])
    const keys = res.stdout.split('\n').map((l) => l.split(',')).filter(([k, t]) => k === '1' && t && t !== 'N/A').map(([, t]) => Number(t))
    expect(keys.length).toBeGreaterThan(0)
    expect(Array.from(await listKeyframes(file.path))).toEqual(keys.map((t) => expect.closeTo(t, 5)))
    const thumbs: number[] = []
    for await (const f of decodeKeyframes(file.path, { width: 16, height: 12, resize: 'squash' })) thumbs.push(f.pts)
    expect(thumbs).toEqual(keys.map((t) => expect.closeTo(t, 5)))
  })
})
