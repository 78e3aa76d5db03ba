/**
 * Moving between frames in the compare view (pure): the frames where A and B disagree most, and
 * the kept frame nearest to a dropped one.
 */

/** Share of frames the "next disagreement" key visits (at least one frame). */
export const DISAGREEMENT_STOP_SHARE = 0.05

/**
 * The frames worth jumping to, ascending: those whose disagreement is at least the k-th largest
 * (k = ⌈share · T⌉, ties included, so when one method keeps whole frames the other drops, every
 * such frame is a stop) and above zero.
 */
export function disagreementStops(disagreement: ArrayLike<number>, share = DISAGREEMENT_STOP_SHARE): Int32Array {
  const T = disagreement.length
  if (T === 0) return new Int32Array(0)
  const k = Math.max(1, Math.ceil(share * T))
  const sorted = Float64Array.from(disagreement).sort()
  const threshold = sorted[T - k]
  const out: number[] = []
  for (let t = 0; t < T; t++) if (disagreement[t] > 0 && disagreement[t] >= threshold) out.push(t)
  return Int32Array.from(out)
}

/** The first stop after `from` (dir 1) or the last before it (dir −1), wrapping around; −1 without stops. */
export function nextStop(stops: ArrayLike<number>, from: number, dir: 1 | -1): number {
  if (stops.length === 0) return -1
  if (dir === 1) {
    for (let i = 0; i < stops.length; i++) if (stops[i] > from) return stops[i]
    return stops[0]
  }
  for (let i = stops.length - 1; i >= 0; i--) if (stops[i] < from) return stops[i]
  return stops[stops.length - 1]
}

/** The kept frame nearest to frame t (the earlier one on a tie; t itself when kept); −1 when none is kept. */
export function nearestKept(keptFrames: ArrayLike<number>, t: number): number {
  for (let d = 0; d < keptFrames.length; d++) {
    if (t - d >= 0 && t - d < keptFrames.length && keptFrames[t - d]) return t - d
    if (t + d < keptFrames.length && keptFrames[t + d]) return t + d
    if (t - d < 0 && t + d >= keptFrames.length) break
  }
  return -1
}
