import { statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  makeAudioOnly,
  makeClip,
  makeEmpty,
  makeRotatedClip,
  makeTextFile,
  makeTruncated,
  makeUnsupportedCodec,
  makeVfrClip,
} from '../../tests/fixtures/videos'
import { resolveBinaries } from './binaries'
import { VideoError, type VideoErrorCode } from './errors'
import { displaySize, isVariableFrameRate, probeVideo } from './probe'

describe('probeVideo', () => {
  it('fills every field for a constant-rate H.264 clip with audio', async () => {
    const path = await makeClip({ seconds: 3, fps: 30, width: 160, height: 120, kind: 'testsrc', audio: true })
    const info = await probeVideo(path)
    expect(info).toMatchObject({
      path,
      fps: 30,
      nominalFps: 30,
      frameCount: 90,
      frameCountExact: true,
      width: 160,
      height: 120,
      rotation: 0,
      codec: 'h264',
      pixelFormat: 'yuv420p',
      variableFrameRate: false,
      hasAudio: true,
      sizeBytes: statSync(path).size,
    })
    expect(info.duration).toBeCloseTo(3, 1)
  })

  it('counts packets when the container states no frame count (Matroska)', async () => {
    const path = await makeClip({ seconds: 2, fps: 25, width: 160, height: 90, kind: 'static', codec: 'mjpeg' })
    const info = await probeVideo(path)
    expect(info).toMatchObject({ frameCount: 50, frameCountExact: true, codec: 'mjpeg', hasAudio: false, width: 160, height: 90 })
  })

  it('flags variable frame rate and reports both rates', async () => {
    const { path, pts } = await makeVfrClip()
    const info = await probeVideo(path)
    expect(info.variableFrameRate).toBe(true)
    expect(info.nominalFps).toBe(60)
    expect(info.frameCount).toBe(pts.length)
    expect(info.fps).toBeLessThan(60)
  })

  it.each([90, 270] as const)('reports rotation %i with the stored size', async (rotation) => {
    const info = await probeVideo(await makeRotatedClip(rotation))
    expect(info.rotation).toBe(rotation)
    expect([info.width, info.height]).toEqual([160, 96])
    expect(displaySize(info)).toEqual({ width: 96, height: 160 })
  })

  it('agrees with Debian ffprobe 5.1', async () => {
    const binaries = await resolveBinaries({ ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' })
    const path = await makeRotatedClip(90)
    expect(await probeVideo(path, { binaries })).toEqual(await probeVideo(path))
  })

  it('probes a truncated file (decoding then reports what is missing)', async () => {
    const info = await probeVideo(await makeTruncated())
    expect(info.duration).toBeCloseTo(4, 1)
    expect(info.codec).toBe('h264')
  })

  const bad: [VideoErrorCode, () => Promise<string>][] = [
    ['missing', async () => '/nonexistent/clip.mp4'],
    ['empty', makeEmpty],
    ['not-video', makeTextFile],
    ['audio-only', makeAudioOnly],
    ['unsupported-codec', makeUnsupportedCodec],
  ]
  it.each(bad)('gives VideoError %s for bad input', async (code, make) => {
    const err = await probeVideo(await make()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VideoError)
    expect((err as VideoError).code).toBe(code)
    expect((err as VideoError).message).not.toMatch(/\n/)
  })
})

describe('isVariableFrameRate', () => {
  const grid = (n: number, step: number) => Array.from({ length: n }, (_, i) => i * step)
  it('is false for evenly spaced frames, also out of order (B-frames)', () => {
    expect(isVariableFrameRate(30, 30, grid(60, 1 / 30))).toBe(false)
    expect(isVariableFrameRate(25, 25, [0, 0.12, 0.04, 0.08, 0.2, 0.16])).toBe(false)
  })
  it('is true when the average and nominal rates differ', () => {
    expect(isVariableFrameRate(24, 30, grid(10, 1 / 30))).toBe(true)
  })
  it('is true when the gaps vary', () => {
    expect(isVariableFrameRate(30, 30, [0, 1 / 30, 2 / 30, 0.2, 0.3])).toBe(true)
  })
})
