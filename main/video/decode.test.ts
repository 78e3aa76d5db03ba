import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { Sampling } from '../../common/video'
import {
  framePtsOf,
  makeClip,
  makeRotatedClip,
  makeSolidColorClip,
  makeTextFile,
  makeTransportStream,
  makeTruncated,
  makeUnsupportedCodec,
  makeVfrClip,
  type Rgb,
} from '../../tests/fixtures/videos'
import { resolveBinaries, type Binaries } from './binaries'
import {
  buildDecodeArgs,
  decodeFrameAt,
  decodeFrames,
  decodeKeyframes,
  listKeyframes,
  type DecodedFrame,
  type DecodeOptions,
  type DecodeSummary,
} from './decode'
import { VideoError, type VideoErrorCode } from './errors'
import { probeVideo } from './probe'

/** Runs a decode to the end; returns the frames and the generator's summary. */
async function collect(path: string, opts: DecodeOptions): Promise<{ frames: DecodedFrame[]; summary: DecodeSummary }> {
  const frames: DecodedFrame[] = []
  const gen = decodeFrames(path, opts)
  for (let r = await gen.next(); ; r = await gen.next()) {
    if (r.done) return { frames, summary: r.value }
    frames.push(r.value)
  }
}

/** Reference sampling: for each target, the first frame at or after it; a frame is used once. */
function firstAtOrAfter(framePts: number[], targets: number[]): number[] {
  const picked: number[] = []
  for (const target of targets) {
    const t = framePts.find((p) => p >= target - 1e-4)
    if (t !== undefined && picked[picked.length - 1] !== t) picked.push(t)
  }
  return picked
}

function pixel(data: Uint8Array, width: number, x: number, y: number): Rgb {
  const i = (y * width + x) * 3
  return [data[i], data[i + 1], data[i + 2]]
}

function expectColor(actual: Rgb, expected: Rgb, tolerance = 8) {
  for (let c = 0; c < 3; c++) expect(Math.abs(actual[c] - expected[c]), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance)
}

const installed = (name: string) => (createRequire(import.meta.url)(name) as { path: string }).path

// The default chain now takes the newest build (Debian's here); the 2018 build is named explicitly.
const builds: [string, () => Promise<Binaries>][] = [
  ['the 2018 @ffmpeg-installer build', () => resolveBinaries({ ffmpeg: installed('@ffmpeg-installer/ffmpeg'), ffprobe: installed('@ffprobe-installer/ffprobe') })],
  ['Debian ffmpeg 5.1', () => resolveBinaries({ ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' })],
]

describe.each(builds)('decodeFrames with %s', (_name, getBinaries) => {
  it('gives every frame of a VFR clip its exact pts', async () => {
    const binaries = await getBinaries()
    const { path, pts } = await makeVfrClip()
    const { frames, summary } = await collect(path, {
      sampling: { mode: 'every-frame' }, width: 32, height: 24, resize: 'squash', binaries,
    })
    expect(frames.map((f) => f.index)).toEqual(pts.map((_, i) => i))
    expect(frames).toHaveLength(pts.length)
    frames.forEach((f, i) => expect(Math.abs(f.pts - pts[i])).toBeLessThan(1e-3))
    expect(summary).toEqual({ frames: pts.length, warnings: [], aborted: false })
  })

  it('decodes known colours at known times', async () => {
    const binaries = await getBinaries()
    const colors: Rgb[] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 150, 50], [20, 20, 20]]
    const { path, segments } = await makeSolidColorClip(colors, 0.5, 10)
    const { frames } = await collect(path, { sampling: { mode: 'every-frame' }, width: 16, height: 12, resize: 'squash', binaries })
    expect(frames).toHaveLength(25)
    for (const f of frames) {
      expect(f.data.length).toBe(16 * 12 * 3)
      const seg = segments.find((s) => f.pts >= s.start - 1e-6 && f.pts < s.end - 1e-6)!
      expectColor(pixel(f.data, 16, 8, 6), seg.rgb)
      expectColor(pixel(f.data, 16, 0, 0), seg.rgb)
    }
  })

  it('decodeFrameAt returns the frame with exactly that pts', async () => {
    const binaries = await getBinaries()
    const { path, pts } = await makeVfrClip()
    for (const i of [0, 31, 44, 75, 104, 108]) {
      const frame = await decodeFrameAt(path, pts[i], { binaries })
      expect(Math.abs(frame.pts - pts[i])).toBeLessThan(1e-3)
      expect([frame.width, frame.height]).toEqual([160, 120])
      expect(frame.data.length).toBe(160 * 120 * 3)
    }
  })
})

describe('MPEG-TS (start offset, no keyframe index)', () => {
  it('decodes with the stored timestamps and finds each frame again by its pts', async () => {
    const path = await makeTransportStream()
    const { frames } = await collect(path, { sampling: { mode: 'every-frame' }, width: 8, height: 8, resize: 'squash' })
    expect(frames).toHaveLength(100)
    const listed = await framePtsOf(path)
    expect(listed[0]).toBeGreaterThan(0.5) // the muxer's start offset
    expect(frames.map((f) => f.pts)).toEqual(listed.map((p) => expect.closeTo(p, 3)))
    for (const i of [0, 37, 99]) {
      const frame = await decodeFrameAt(path, frames[i].pts)
      expect(frame.pts).toBeCloseTo(frames[i].pts, 3)
    }
  })
})

describe('sampling', () => {
  it('fps: for each k/N the first frame at or after it, on a VFR clip', async () => {
    const { path, pts } = await makeVfrClip()
    const { frames } = await collect(path, { sampling: { mode: 'fps', fps: 10 }, width: 16, height: 16, resize: 'center-crop' })
    const targets = Array.from({ length: 40 }, (_, k) => k / 10)
    expect(frames.map((f) => f.pts)).toEqual(firstAtOrAfter(pts, targets).map((p) => expect.closeTo(p, 3)))
    expect(frames.map((f) => f.index)).toEqual(frames.map((_, i) => i))
  })

  it('fps: evenly on a constant-rate clip', async () => {
    const path = await makeClip({ seconds: 3, fps: 30, width: 160, height: 120, kind: 'testsrc' })
    const { frames } = await collect(path, { sampling: { mode: 'fps', fps: 4 }, width: 16, height: 16, resize: 'letterbox' })
    const all = Array.from({ length: 90 }, (_, n) => n / 30)
    const expected = firstAtOrAfter(all, Array.from({ length: 12 }, (_, k) => k / 4))
    expect(expected).toHaveLength(12)
    expect(frames.map((f) => f.pts)).toEqual(expected.map((p) => expect.closeTo(p, 3)))
  })

  it('count: exactly K frames, the first at or after each (i+0.5)·D/K', async () => {
    const path = await makeClip({ seconds: 3, fps: 30, width: 160, height: 120, kind: 'testsrc' })
    const info = await probeVideo(path)
    const K = 10
    const { frames } = await collect(path, { sampling: { mode: 'count', frames: K }, width: 16, height: 16, resize: 'squash' })
    const all = Array.from({ length: 90 }, (_, n) => n / 30)
    const targets = Array.from({ length: K }, (_, i) => ((i + 0.5) * info.duration) / K)
    expect(frames).toHaveLength(K)
    expect(frames.map((f) => f.pts)).toEqual(firstAtOrAfter(all, targets).map((p) => expect.closeTo(p, 3)))
  })

  it('count on a VFR clip follows the same rule', async () => {
    const { path, pts } = await makeVfrClip()
    const info = await probeVideo(path)
    const K = 7
    const { frames } = await collect(path, { sampling: { mode: 'count', frames: K }, width: 16, height: 16, resize: 'squash' })
    const targets = Array.from({ length: K }, (_, i) => ((i + 0.5) * info.duration) / K)
    expect(frames.map((f) => f.pts)).toEqual(firstAtOrAfter(pts, targets).map((p) => expect.closeTo(p, 3)))
  })

  it('count at or above the frame count gives every frame', async () => {
    const path = await makeClip({ seconds: 1, fps: 25, width: 160, height: 120, kind: 'motion' })
    const { frames } = await collect(path, { sampling: { mode: 'count', frames: 500 }, width: 8, height: 8, resize: 'squash' })
    expect(frames).toHaveLength(25)
  })

  it('rejects invalid sampling and sizes', async () => {
    const path = await makeClip({ seconds: 1, fps: 25, width: 160, height: 120, kind: 'motion' })
    await expect(decodeFrames(path, { sampling: { mode: 'fps', fps: 0 }, width: 8, height: 8, resize: 'squash' }).next()).rejects.toThrow(RangeError)
    expect(() => buildDecodeArgs(path, { sampling: { mode: 'every-frame' }, width: 0, height: 8, resize: 'squash' })).toThrow(RangeError)
    expect(() => buildDecodeArgs(path, { sampling: { mode: 'count', frames: 4 }, width: 8, height: 8, resize: 'squash' })).toThrow(/duration/)
  })
})

describe('resize and rotation', () => {
  it('turns rotated video upright, consistent with probe', async () => {
    const path = await makeRotatedClip(90)
    // Stored 160×96, red left / blue right; displayed 96×160 with blue on top, red at the bottom.
    const frame = await decodeFrameAt(path, 0.4)
    expect([frame.width, frame.height]).toEqual([96, 160])
    expectColor(pixel(frame.data, 96, 48, 10), [0, 0, 255], 12)
    expectColor(pixel(frame.data, 96, 48, 150), [255, 0, 0], 12)
    const { frames } = await collect(path, { sampling: { mode: 'count', frames: 2 }, width: 12, height: 20, resize: 'squash' })
    expectColor(pixel(frames[0].data, 12, 6, 1), [0, 0, 255], 12)
    expectColor(pixel(frames[0].data, 12, 6, 18), [255, 0, 0], 12)
  })

  it('letterbox pads with black, center-crop fills the frame', async () => {
    const path = await makeSolidColorClip([[0, 0, 255]], 0.5, 10).then((c) => c.path) // 160×120 (4:3)
    const box = await collect(path, { sampling: { mode: 'count', frames: 1 }, width: 32, height: 12, resize: 'letterbox' })
    expectColor(pixel(box.frames[0].data, 32, 1, 6), [0, 0, 0], 4)
    expectColor(pixel(box.frames[0].data, 32, 16, 6), [0, 0, 255])
    const crop = await collect(path, { sampling: { mode: 'count', frames: 1 }, width: 32, height: 12, resize: 'center-crop' })
    expectColor(pixel(crop.frames[0].data, 32, 1, 6), [0, 0, 255])
  })

  it('decodeFrameAt scales down to maxWidth and keeps the colour', async () => {
    const { path } = await makeSolidColorClip([[255, 0, 0], [0, 255, 0], [0, 0, 255]], 0.5, 10)
    const frame = await decodeFrameAt(path, 1.1, { maxWidth: 80 })
    expect(frame.pts).toBeCloseTo(1.1, 3)
    expect([frame.width, frame.height]).toEqual([80, 60])
    expectColor(pixel(frame.data, 80, 40, 30), [0, 0, 255])
    await expect(decodeFrameAt(path, 99)).rejects.toThrow(RangeError)
  })
})

describe('keyframes', () => {
  it('lists and decodes only keyframes (one per second in fixtures)', async () => {
    const path = await makeClip({ seconds: 5, fps: 25, width: 160, height: 90, kind: 'cuts' })
    expect(Array.from(await listKeyframes(path))).toEqual([0, 1, 2, 3, 4])
    const frames: DecodedFrame[] = []
    for await (const f of decodeKeyframes(path, { width: 16, height: 9, resize: 'squash' })) frames.push(f)
    expect(frames.map((f) => f.pts)).toEqual([0, 1, 2, 3, 4].map((t) => expect.closeTo(t, 3)))
  })

  it('lists every frame pts of a VFR clip', async () => {
    const { path, pts } = await makeVfrClip()
    const all = await framePtsOf(path)
    expect(all).toEqual(pts.map((p) => expect.closeTo(p, 3)))
  })
})

describe('cancellation and bad input', () => {
  it('aborting kills ffmpeg and ends the generator', async () => {
    const path = await makeClip({ seconds: 20, fps: 30, width: 320, height: 240, kind: 'testsrc' })
    const ctrl = new AbortController()
    const gen = decodeFrames(path, { sampling: { mode: 'every-frame' }, width: 320, height: 240, resize: 'squash', signal: ctrl.signal })
    let seen = 0
    for await (const _ of gen) {
      if (++seen === 3) ctrl.abort()
    }
    expect(seen).toBe(3)
    const after = await gen.next()
    expect(after.done).toBe(true)
  })

  it('aborting while the consumer is paused ends on the next pull', async () => {
    const path = await makeClip({ seconds: 20, fps: 30, width: 320, height: 240, kind: 'testsrc' })
    const ctrl = new AbortController()
    const gen = decodeFrames(path, { sampling: { mode: 'every-frame' }, width: 320, height: 240, resize: 'squash', signal: ctrl.signal })
    expect((await gen.next()).done).toBe(false)
    await new Promise((r) => setTimeout(r, 200)) // ffmpeg blocks on the full pipe meanwhile
    ctrl.abort()
    const end = await gen.next()
    expect(end).toEqual({ done: true, value: expect.objectContaining({ aborted: true }) })
  })

  it('leaving a for-await loop early stops decoding', async () => {
    const path = await makeClip({ seconds: 20, fps: 30, width: 320, height: 240, kind: 'testsrc' })
    let seen = 0
    for await (const f of decodeFrames(path, { sampling: { mode: 'every-frame' }, width: 64, height: 48, resize: 'squash' })) {
      expect(f.index).toBe(seen)
      if (++seen === 5) break
    }
    expect(seen).toBe(5)
  })

  it('an already aborted signal yields nothing', async () => {
    const path = await makeClip({ seconds: 1, fps: 25, width: 160, height: 120, kind: 'motion' })
    const { frames, summary } = await collect(path, {
      sampling: { mode: 'every-frame' }, width: 8, height: 8, resize: 'squash', signal: AbortSignal.abort(),
    })
    expect(frames).toHaveLength(0)
    expect(summary.aborted).toBe(true)
  })

  it('a truncated file keeps the decoded frames and warns', async () => {
    const warnings: string[] = []
    const { frames, summary } = await collect(await makeTruncated(), {
      sampling: { mode: 'every-frame' }, width: 16, height: 12, resize: 'squash', onWarning: (w) => warnings.push(w),
    })
    expect(frames.length).toBeGreaterThan(10)
    expect(frames.length).toBeLessThan(100) // the whole clip has 100
    expect(summary.warnings.length).toBeGreaterThan(0)
    expect(summary.warnings.some((w) => /truncated/.test(w))).toBe(true)
    expect(warnings).toEqual(summary.warnings)
  })

  const bad: [VideoErrorCode, () => Promise<string>][] = [
    ['not-video', makeTextFile],
    ['unsupported-codec', makeUnsupportedCodec],
    ['missing', async () => '/nonexistent/x.mkv'],
  ]
  it.each(bad)('decoding gives VideoError %s', async (code, make) => {
    const path = await make()
    const sampling: Sampling = { mode: 'every-frame' }
    const err = await decodeFrames(path, { sampling, width: 8, height: 8, resize: 'squash' }).next().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VideoError)
    expect((err as VideoError).code).toBe(code)
    const err2 = await decodeFrameAt(path, 0).catch((e: unknown) => e)
    expect((err2 as VideoError).code).toBe(code)
  })
})

describe('buildDecodeArgs', () => {
  it('is the command decodeFrames runs, ending in a rawvideo rgb24 pipe', () => {
    const args = buildDecodeArgs('/v.mp4', { sampling: { mode: 'fps', fps: 2 }, width: 224, height: 224, resize: 'center-crop' })
    expect(args.slice(-5)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'])
    expect(args).toContain('/v.mp4')
    expect(args[args.indexOf('-vf') + 1]).toMatch(/^select='.*',scale=224:224:force_original_aspect_ratio=increase,format=rgb24,crop=224:224,settb=AVTB,showinfo$/)
  })
})
