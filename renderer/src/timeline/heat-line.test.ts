import { describe, expect, it } from 'vitest'
import { combineLevels, fillHeatLine, type Aggregate, type FrameLevels } from './heat-line'

/** Identity LUT: a pixel's word is its level, so the line reads as levels. */
const LEVELS = Uint32Array.from({ length: 256 }, (_, i) => i)
const NONE = 999

const line = (frames: FrameLevels, pps: number, width: number, x0 = 0) => Array.from(fillHeatLine(new Uint32Array(width), x0, pps, frames, LEVELS, NONE))
const frames = (pts: number[], levels: number[], end: number, aggregate: Aggregate = 'max'): FrameLevels => ({ pts, levels, count: pts.length, end, aggregate })

/** By definition: the frames whose span [pts[i], next) overlaps the pixel's [t0, t1), combined. */
function oracle(f: FrameLevels, pps: number, width: number, x0: number): number[] {
  const out: number[] = []
  for (let px = 0; px < width; px++) {
    const t0 = (x0 + px) / pps
    const t1 = (x0 + px + 1) / pps
    const under: number[] = []
    for (let i = 0; i < f.count; i++) {
      const next = i + 1 < f.count ? f.pts[i + 1] : f.end
      if (f.pts[i] < t1 && next > t0 && t0 < f.end) under.push(f.levels[i])
    }
    out.push(under.length === 0 ? NONE : f.aggregate === 'max' ? Math.max(...under) : Math.round(under.reduce((a, b) => a + b, 0) / under.length))
  }
  return out
}

describe('combineLevels', () => {
  it('takes the max or the rounded mean of an inclusive range', () => {
    const levels = [10, 200, 0, 51]
    expect(combineLevels(levels, 0, 3, 'max')).toBe(200)
    expect(combineLevels(levels, 2, 3, 'max')).toBe(51)
    expect(combineLevels(levels, 0, 3, 'mean')).toBe(65) // 261 / 4 = 65.25
    expect(combineLevels(levels, 2, 3, 'mean')).toBe(26) // 25.5 rounds up
    expect(combineLevels(levels, 1, 1, 'mean')).toBe(200)
  })
})

describe('fillHeatLine', () => {
  it('spreads wide frames over their pixels and leaves the background past the end', () => {
    expect(line(frames([0, 1, 2], [10, 20, 30], 3), 4, 14)).toEqual([10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30, NONE, NONE])
  })

  it('combines the frames under one pixel by max or by mean', () => {
    const pts = Array.from({ length: 8 }, (_, i) => i)
    const levels = [0, 0, 255, 0, 40, 40, 40, 40]
    // 4 frames per pixel: pixel 0 holds frames 0–3, pixel 1 frames 4–7.
    expect(line(frames(pts, levels, 8, 'max'), 0.25, 3)).toEqual([255, 40, NONE])
    expect(line(frames(pts, levels, 8, 'mean'), 0.25, 3)).toEqual([64, 40, NONE])
  })

  it('keeps the background before the first frame and shows only `count` frames', () => {
    expect(line(frames([2, 3], [50, 60], 4), 1, 5)).toEqual([NONE, NONE, 50, 60, NONE])
    expect(line({ ...frames([2, 3], [50, 60], 3), count: 1 }, 1, 5)).toEqual([NONE, NONE, 50, NONE, NONE])
    expect(line({ ...frames([2, 3], [50, 60], 4), count: 0 }, 1, 3)).toEqual([NONE, NONE, NONE])
  })

  it('a frame boundary on a pixel edge belongs to the pixel on its right', () => {
    // Frame 1 starts at t = 1, the left edge of pixel 2 at 2 px/s: pixel 1 is frame 0 only.
    expect(line(frames([0, 1], [100, 200], 2, 'max'), 2, 4)).toEqual([100, 100, 200, 200])
  })

  it('agrees with the definition on irregular frames, at every zoom, in tiles that join seamlessly', () => {
    const count = 200
    const pts = Array.from({ length: count }, (_, i) => i + 0.45 * Math.sin(i * 1.7)) // strictly increasing, uneven
    const levels = Array.from({ length: count }, (_, i) => (i * 37) % 256)
    for (const aggregate of ['max', 'mean'] as const) {
      const f = frames(pts, levels, pts[count - 1] + 0.8, aggregate)
      for (const pps of [0.05, 0.3, 1, 2.5, 17]) {
        const width = Math.ceil((f.end + 2) * pps) + 3
        const whole = line(f, pps, width)
        expect(whole, `${aggregate} at ${pps} px/s`).toEqual(oracle(f, pps, width, 0))
        // The same pixels drawn as tiles of 7 px, the way the renderer caches them.
        const tiled: number[] = []
        for (let x0 = 0; x0 < width; x0 += 7) tiled.push(...line(f, pps, Math.min(7, width - x0), x0))
        expect(tiled).toEqual(whole)
      }
    }
  })
})
