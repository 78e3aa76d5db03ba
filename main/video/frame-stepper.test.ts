import { afterAll, describe, expect, it } from 'vitest'
import { createFrameStepper, keyframeAtOrBefore } from './frame-stepper'
import { frameTableOf } from './frame-times'
import { decodeFrameAt } from './decode'
import { probeVideo } from './probe'
import { makeClip, makeTransportStream, makeVfrClip } from '../../tests/fixtures/videos'

const stepper = createFrameStepper({ windowBytes: 4 * 1024 * 1024 })
afterAll(() => stepper.close())

/** The frame decodeFrameAt gives at `pts` (full size), as RGBA, to compare pixels with. */
async function reference(path: string, pts: number): Promise<Uint8Array> {
  const f = await decodeFrameAt(path, pts)
  const out = new Uint8Array(f.width * f.height * 4)
  for (let i = 0, j = 0; i < f.data.length; i += 3, j += 4) {
    out[j] = f.data[i]
    out[j + 1] = f.data[i + 1]
    out[j + 2] = f.data[i + 2]
    out[j + 3] = 255
  }
  return out
}

describe('frame table', () => {
  it('sorts frames into presentation order, drops those without a time and repeats of a time, marks keyframes', () => {
    const t = frameTableOf([
      { pts: 0, key: true },
      { pts: 0.12, key: false },
      { pts: 0.04, key: false },
      { pts: NaN, key: false },
      { pts: 0.08, key: false },
      { pts: 0.08 + 1e-6, key: false },
      { pts: 0.16, key: true },
    ])
    expect([...t.pts]).toEqual([0, 0.04, 0.08, 0.12, 0.16])
    expect([...t.keyframes]).toEqual([0, 4])
    expect(keyframeAtOrBefore(t.keyframes, 3)).toBe(0)
    expect(keyframeAtOrBefore(t.keyframes, 4)).toBe(4)
  })

  it("lists every frame of a clip with B-frames, keyframes once a second", async () => {
    const clip = await makeClip({ seconds: 3, fps: 25, width: 160, height: 96, kind: 'testsrc' })
    const table = await stepper.table(clip)
    expect(table.pts).toHaveLength((await probeVideo(clip)).frameCount)
    expect([...table.keyframes]).toEqual([0, 25, 50])
    for (let i = 1; i < table.pts.length; i++) expect(table.pts[i]).toBeGreaterThan(table.pts[i - 1])
  })
})

describe('stepping through source frames', () => {
  it('gives the exact frame and pts stepping forward, back across a keyframe, and after a jump', async () => {
    const clip = await makeClip({ seconds: 4, fps: 25, width: 160, height: 96, kind: 'testsrc' })
    const table = await stepper.table(clip)
    const visits = [20, 21, 22, 23, 24, 25, 26, 27, 26, 25, 24, 23, 22, 80, 81, 3, 99, 0, 1]
    for (const i of visits) {
      const f = await stepper.frame(clip, i, 4096)
      expect(f.index).toBe(i)
      expect(f.pts).toBe(table.pts[i])
      expect([f.width, f.height]).toEqual([160, 96])
      // Pixel for pixel the frame decodeFrameAt gives at that pts.
      expect(Buffer.from(f.rgba).equals(Buffer.from(await reference(clip, f.pts))), `frame ${i}`).toBe(true)
    }
    // Clamped to the video.
    expect((await stepper.frame(clip, 10_000, 4096)).index).toBe(table.pts.length - 1)
    // Scaled down keeping the aspect.
    const small = await stepper.frame(clip, 5, 80)
    expect([small.width, small.height, small.index]).toEqual([80, 48, 5])
  })

  it('variable frame rate: frame n is the n-th timestamp, not n / fps', async () => {
    const { path, pts } = await makeVfrClip()
    const table = await stepper.table(path)
    expect([...table.pts].map((t) => Math.round(t * 60))).toEqual(pts.map((t) => Math.round(t * 60)))
    for (const i of [0, 29, 30, 31, 42, 41, pts.length - 1]) {
      const f = await stepper.frame(path, i, 64)
      expect(f.index).toBe(i)
      expect(f.pts).toBeCloseTo(pts[i], 4)
    }
  })

  it('MPEG-TS (no keyframe index): frames still land exactly', async () => {
    const ts = await makeTransportStream()
    const table = await stepper.table(ts)
    for (const i of [10, 11, 40, 39, 38]) {
      const f = await stepper.frame(ts, i, 64)
      expect(f.index).toBe(i)
      expect(f.pts).toBeCloseTo(table.pts[i], 6)
    }
  })
})
