/**
 * Calibration by bisection, for methods whose paper sets a threshold and whose budget mode finds
 * the threshold that meets the budget (llava-scissor's τ, STTM's spatial threshold, ZipVL's p).
 */

/**
 * The largest x in [lo, hi] whose evaluation fits, by `steps` halvings of the interval, for a
 * fit that holds up to some x and fails above it: answers the last x that fitted (`lo` when none
 * did; the caller knows whether `lo` itself fits) and its evaluation (undefined when none fitted).
 */
export function largestFitting<R>(lo: number, hi: number, steps: number, evaluate: (x: number) => R, fits: (r: R) => boolean): { x: number; fitted: R | undefined } {
  let fitted: R | undefined
  for (let i = 0; i < steps; i++) {
    const mid = (lo + hi) / 2
    const r = evaluate(mid)
    if (fits(r)) {
      lo = mid
      fitted = r
    } else hi = mid
  }
  return { x: lo, fitted }
}
