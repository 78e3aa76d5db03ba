/**
 * Annotation positions against a list of frame timestamps (pure): the video's source frames (the
 * frame table of main/video/frame-stepper.ts) or the sampled frames an analysis encoded. Always
 * by the frames' real presentation timestamps, never by time × fps.
 */

/** Index of the frame whose pts is closest to `time` (the earlier one on a tie); -1 with no frames. */
export function nearestFrame(pts: ArrayLike<number>, time: number, count = pts.length): number {
  if (count === 0) return -1
  let lo = 0
  let hi = count - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (pts[mid] < time) lo = mid + 1
    else hi = mid
  }
  // lo: first frame at or after `time` (or the last one).
  return lo > 0 && time - pts[lo - 1] <= pts[lo] - time ? lo - 1 : lo
}

/** Index of the frame shown at `time`: the last one whose pts ≤ time (the first one before it); -1 with no frames. */
export function frameShownAt(pts: ArrayLike<number>, time: number, count = pts.length): number {
  if (count === 0) return -1
  let lo = 0
  let hi = count - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (pts[mid] <= time) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Half the smallest gap between frames that we treat as "the same timestamp" (timestamps are printed to the microsecond). */
export const PTS_TOLERANCE = 1e-4

/** The frame whose pts equals `time` (within PTS_TOLERANCE), or -1. */
export function frameWithPts(pts: ArrayLike<number>, time: number, count = pts.length): number {
  const i = nearestFrame(pts, time, count)
  return i >= 0 && Math.abs(pts[i] - time) <= PTS_TOLERANCE ? i : -1
}
