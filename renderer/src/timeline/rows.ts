/**
 * Heat-row data (pure): per-frame LUT levels, computed once per result or signals fetch.
 *
 * Shares of tokens kept use one fixed scale for every method and video (0..1 on a square-root
 * axis), so A and B compare directly and 1–10 % budgets stay distinguishable; the frame signals
 * use their own min/max over the whole video.
 */
import { lutIndex } from './colour'

const UNIT = { min: 0, max: 1 }

/** LUT levels [T] of per-frame kept shares [T] in [0, 1], on a square-root scale. */
export function shareLevels(share: ArrayLike<number>, out?: Uint8Array): Uint8Array {
  const levels = out && out.length >= share.length ? out : new Uint8Array(share.length)
  for (let t = 0; t < share.length; t++) levels[t] = lutIndex(Math.sqrt(Math.max(0, share[t])), UNIT)
  return levels
}

/** The share a level stands for (legend ticks). */
export const shareOfLevel = (level: number): number => (level / 255) ** 2
