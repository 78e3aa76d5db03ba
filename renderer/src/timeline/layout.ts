/**
 * Pure timeline geometry (no DOM), in the spirit of wavesurfer.js: the timeline is a strip of
 * "content pixels", x = time × pps (pixels per second), seen through a viewport that starts at
 * content x = `scroll` and is `width` pixels wide.
 *
 * Zoom is a level k with pps = 2^(k/2); the UI uses the level that fits the whole video exactly
 * plus whole √2 steps, so rendered tiles can be cached by (level, tile index) and stay valid while
 * scrolling. Frames on the time axis: ../util/frames.ts.
 */
import { frameAtTime, frameEnd } from '../util/frames'

export interface Viewport {
  /** Content x at the viewport's left edge (pixels). */
  scroll: number
  /** Viewport width (pixels). */
  width: number
  /** Pixels per second at the current zoom. */
  pps: number
}

/** Pixels per second at zoom level k. */
export const ppsOfLevel = (k: number): number => Math.pow(2, k / 2)

/** The largest level at which `seconds` of video fit into `width` pixels. */
export function levelToFit(seconds: number, width: number): number {
  if (!(seconds > 0) || !(width > 0)) return 0
  return Math.floor(2 * Math.log2(width / seconds))
}

/** The (fractional) level at which `seconds` of video exactly fill `width` pixels. */
export function exactFitLevel(seconds: number, width: number): number {
  if (!(seconds > 0) || !(width > 0)) return 0
  return 2 * Math.log2(width / seconds)
}

/** The level whose viewport shows closest to `seconds` of video in `width` pixels. */
export function levelForSpan(seconds: number, width: number): number {
  if (!(seconds > 0) || !(width > 0)) return 0
  return Math.round(2 * Math.log2(width / seconds))
}

/** The deepest useful level: one frame interval spans at most `maxPxPerFrame` pixels. */
export function maxLevel(frameInterval: number, maxPxPerFrame: number): number {
  return Math.ceil(2 * Math.log2(maxPxPerFrame / Math.max(frameInterval, 1e-6)))
}

export const contentWidth = (duration: number, pps: number): number => Math.max(0, duration * pps)

/** Scroll clamped so the viewport stays within the content (0 when the content is narrower). */
export function clampScroll(scroll: number, contentW: number, viewW: number): number {
  return Math.min(Math.max(0, contentW - viewW), Math.max(0, scroll))
}

/** The scroll after a zoom from `ppsOld` to `ppsNew` that keeps the time under viewport x `anchorX` in place. */
export function zoomAround(scroll: number, anchorX: number, ppsOld: number, ppsNew: number): number {
  const time = (scroll + anchorX) / ppsOld
  return time * ppsNew - anchorX
}

export const timeToX = (time: number, v: Viewport): number => time * v.pps - v.scroll
export const xToTime = (x: number, v: Viewport): number => (x + v.scroll) / v.pps

/** [start, end) seconds visible in the viewport. */
export function visibleTimeRange(v: Viewport): [number, number] {
  return [v.scroll / v.pps, (v.scroll + v.width) / v.pps]
}

/** Tiles (of `tileW` content pixels, tile i covers [i·tileW, (i+1)·tileW)) that intersect the viewport, inclusive. Empty (last < first) when there is no content. */
export function visibleTiles(scroll: number, viewW: number, tileW: number, contentW: number): { first: number; last: number } {
  const end = Math.min(scroll + viewW, contentW)
  if (end <= 0 || viewW <= 0) return { first: 0, last: -1 }
  const first = Math.max(0, Math.floor(scroll / tileW))
  const last = Math.ceil(end / tileW) - 1
  return { first, last }
}

/**
 * The scroll that brings content x `x` into view with `margin` pixels of room; unchanged when it
 * is already visible.
 */
export function scrollToShow(scroll: number, viewW: number, x: number, margin: number): number {
  const m = Math.min(margin, viewW / 2)
  if (x < scroll + m) return x - m
  if (x > scroll + viewW - m) return x - viewW + m
  return scroll
}

export interface ThumbnailSlot {
  frame: number
  /** Viewport x of the thumbnail's left edge. */
  x: number
  width: number
}

/**
 * Where thumbnails go. When a frame spans at least `slotW` pixels, every visible frame gets one at
 * its own position (clipped to its span); otherwise the content is cut into fixed slots of
 * `slotW` content pixels (stable while scrolling) showing the frame at each slot's centre, with
 * repeated frames left out.
 */
export function thumbnailSlots(v: Viewport, pts: ArrayLike<number>, count: number, lastInterval: number, slotW: number): ThumbnailSlot[] {
  const out: ThumbnailSlot[] = []
  if (count === 0) return out
  const [t0, t1] = visibleTimeRange(v)
  if (lastInterval * v.pps >= slotW) {
    const last = frameAtTime(pts, t1, count)
    for (let i = frameAtTime(pts, t0, count); i <= last; i++) {
      const x = timeToX(pts[i], v)
      const w = (frameEnd(pts, i, lastInterval, count) - pts[i]) * v.pps
      if (x + w < 0 || x > v.width) continue
      out.push({ frame: i, x, width: Math.min(w, slotW * 2) })
    }
    return out
  }
  const end = frameEnd(pts, count - 1, lastInterval, count) * v.pps
  const first = Math.floor(v.scroll / slotW)
  const lastSlot = Math.floor(Math.min(v.scroll + v.width, end) / slotW)
  let previous = -1
  for (let s = first; s <= lastSlot; s++) {
    const centre = ((s + 0.5) * slotW) / v.pps
    if (centre < pts[0]) continue
    const frame = frameAtTime(pts, centre, count)
    if (frame === previous) continue
    previous = frame
    out.push({ frame, x: s * slotW - v.scroll, width: slotW })
  }
  return out
}

/**
 * Where keyframe thumbnails go in a strip: each at its keyframe's exact time (left edge at
 * x = pts·pps), `slotW` wide, skipping any that would overlap the last one placed. Placement is
 * greedy over all keyframes from the video's start (O(K)), so it does not change while scrolling;
 * only the visible ones are returned (`frame` = keyframe index).
 */
export function keyframeSlots(v: Viewport, pts: ArrayLike<number>, count: number, slotW: number): ThumbnailSlot[] {
  const out: ThumbnailSlot[] = []
  const [, t1] = visibleTimeRange(v)
  let nextFree = -Infinity
  for (let k = 0; k < count && pts[k] <= t1; k++) {
    const contentX = pts[k] * v.pps
    if (contentX < nextFree) continue
    nextFree = contentX + slotW
    const x = contentX - v.scroll
    if (x + slotW > 0) out.push({ frame: k, x, width: slotW })
  }
  return out
}
