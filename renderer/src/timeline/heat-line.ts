/**
 * One line of a heat row (pure, no DOM): which frames lie under each pixel column and how their
 * levels combine. The renderer draws a row as this line repeated downwards (renderer.ts).
 *
 * Content pixel x covers the times [x / pps, (x + 1) / pps); frame i covers [pts[i], pts[i+1]) and
 * the last frame covers [pts[count-1], end). A column shows the combined level of the frames that
 * overlap it: 'max' keeps a one-frame spike visible however far the view is zoomed out, 'mean'
 * (rounded) shows the typical level. Columns before the first frame or from `end` on keep the
 * background.
 */
import { frameAtTime } from '../util/frames'

/** How the levels of frames sharing one pixel column combine. */
export type Aggregate = 'max' | 'mean'

/** A row's per-frame levels on the time axis. */
export interface FrameLevels {
  /** Start times (s) of the frames, ascending [≥ count]. */
  pts: ArrayLike<number>
  /** LUT level (0..255) per frame [≥ count]. */
  levels: ArrayLike<number>
  /** Frames to show. */
  count: number
  /** End time (s) of the last frame. */
  end: number
  aggregate: Aggregate
}

/** The combined level of frames `first`..`last` (inclusive). */
export function combineLevels(levels: ArrayLike<number>, first: number, last: number, aggregate: Aggregate): number {
  if (aggregate === 'max') {
    let level = 0
    for (let i = first; i <= last; i++) if (levels[i] > level) level = levels[i]
    return level
  }
  let sum = 0
  for (let i = first; i <= last; i++) sum += levels[i]
  return Math.round(sum / (last - first + 1))
}

/**
 * Fills `line` with the colours of content pixels x0 … x0 + line.length − 1 at `pps` pixels per
 * second: `lut[level]` where frames are, `background` elsewhere. One pass over the pixels and the
 * frames they cover (a frame can span many pixels, a pixel many frames).
 */
export function fillHeatLine(line: Uint32Array, x0: number, pps: number, frames: FrameLevels, lut: Uint32Array, background: number): Uint32Array {
  line.fill(background)
  const { pts, levels, count, end, aggregate } = frames
  if (count === 0) return line
  let f = frameAtTime(pts, x0 / pps, count)
  for (let px = 0; px < line.length; px++) {
    const t0 = (x0 + px) / pps
    const t1 = (x0 + px + 1) / pps
    if (t1 <= pts[0]) continue
    if (t0 >= end) break
    while (f + 1 < count && pts[f + 1] <= t0) f++
    let g = f
    while (g + 1 < count && pts[g + 1] < t1) g++
    line[px] = lut[combineLevels(levels, f, g, aggregate)]
    f = g
  }
  return line
}
