/**
 * Values to LUT levels (pure): a level is a LUT index 0..255, computed once per data change so
 * drawing only looks colours up (lut.ts).
 *
 * Per-frame signals use a scale of their own: min/max over a whole video. Shares of tokens kept
 * use one fixed scale for every method and video (0..1 on a square-root axis), so A and B compare
 * directly and 1–10 % budgets stay distinguishable.
 */

export interface Scale {
  min: number
  max: number
}

const UNIT: Scale = { min: 0, max: 1 }

/** Min and max over the first `count` finite values; {0, 0} when there are none. */
export function scaleOf(values: ArrayLike<number>, count = values.length): Scale {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < count; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max }
}

/** LUT index 0..255 of `v` on `scale`; a flat scale maps everything to 0, non-finite to 0. */
export function lutIndex(v: number, scale: Scale): number {
  const span = scale.max - scale.min
  if (!(span > 0) || !Number.isFinite(v)) return 0
  const f = (v - scale.min) / span
  return f <= 0 ? 0 : f >= 1 ? 255 : Math.round(f * 255)
}

/** Quantises the first `count` values to LUT indices [count] (reusing `out` when it is big enough). */
export function quantise(values: ArrayLike<number>, scale: Scale, count = values.length, out?: Uint8Array): Uint8Array {
  const q = out && out.length >= count ? out : new Uint8Array(count)
  for (let i = 0; i < count; i++) q[i] = lutIndex(values[i], scale)
  return q
}

/** Levels [count] of a per-frame signal on its own min/max over the first `count` values. */
export const signalLevels = (values: ArrayLike<number>, count = values.length): Uint8Array => quantise(values, scaleOf(values, count), count)

/** LUT levels [T] of per-frame kept shares [T] in [0, 1], on a square-root scale. */
export function shareLevels(share: ArrayLike<number>, out?: Uint8Array): Uint8Array {
  const levels = out && out.length >= share.length ? out : new Uint8Array(share.length)
  for (let t = 0; t < share.length; t++) levels[t] = lutIndex(Math.sqrt(Math.max(0, share[t])), UNIT)
  return levels
}
