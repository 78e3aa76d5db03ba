/**
 * Sampled frames on the time axis (pure): the frames of a video are known by their presentation
 * timestamps `pts` [T] (seconds, ascending, the decoder's real ones); frame i covers
 * [pts[i], pts[i+1]) and the last one covers one typical interval.
 */

/** Index of the frame containing `time` (last pts ≤ time), clamped to [0, T-1]; -1 when there are no frames. */
export function frameAtTime(pts: ArrayLike<number>, time: number, count = pts.length): number {
  if (count === 0) return -1
  let lo = 0
  let hi = count - 1
  if (time < pts[0]) return 0
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (pts[mid] <= time) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** The typical spacing of sampled frames (mean interval); `fallback` with fewer than 2 frames. */
export function typicalInterval(pts: ArrayLike<number>, count = pts.length, fallback = 1): number {
  if (count < 2) return fallback
  const mean = (pts[count - 1] - pts[0]) / (count - 1)
  return mean > 0 ? mean : fallback
}

/** End time of frame i: the next frame's pts, or pts + `lastInterval` for the last one. */
export function frameEnd(pts: ArrayLike<number>, i: number, lastInterval: number, count = pts.length): number {
  return i + 1 < count ? pts[i + 1] : pts[i] + lastInterval
}

/** Frame index after a step of `delta` frames, clamped to [0, count-1]. */
export function stepFrame(current: number, delta: number, count: number): number {
  if (count <= 0) return 0
  return Math.min(count - 1, Math.max(0, current + delta))
}
