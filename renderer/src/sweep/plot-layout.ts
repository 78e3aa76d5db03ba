/**
 * Layout of the sweep plot that Observable Plot leaves to the caller (pure): a y domain that
 * stays readable when every point has the same value (Plot would draw a zero-height scale with
 * ticks like "1.000000"), and the end labels of the curves, one per method in a column right of
 * the plot, moved apart vertically so that curves ending at the same value (e.g. two methods at
 * keyframe F1 = 1) keep legible labels. Plot has no label collision avoidance of its own.
 */
import type { PlotPoint } from './series'

/** The y extent of `ys`, widened by 10 % of the value (0.1 at 0) on both sides when it has no height. */
export function yDomain(ys: readonly number[]): [number, number] {
  if (!ys.length) return [0, 1]
  let lo = Infinity
  let hi = -Infinity
  for (const y of ys) {
    lo = Math.min(lo, y)
    hi = Math.max(hi, y)
  }
  if (hi > lo) return [lo, hi]
  const pad = lo === 0 ? 0.1 : Math.abs(lo) * 0.1
  return [lo - pad, hi + pad]
}

export interface EndLabel {
  methodId: string
  /** The label's y in data units (after moving apart). */
  y: number
}

/**
 * Each method's label at the y of its curve's last point (highest budget), moved apart so that
 * neighbours are at least `gapPx` apart on a y axis of `heightPx` pixels for `domain` (top =
 * domain[1]); kept within the axis where there is room.
 */
export function endLabels(points: readonly PlotPoint[], domain: readonly [number, number], heightPx: number, gapPx = 14): EndLabel[] {
  const last = new Map<string, number>()
  for (const p of points) last.set(p.methodId, p.y) // points come per method in budget order
  const [lo, hi] = domain
  const perPx = (hi - lo) / Math.max(1, heightPx)
  // In pixels from the top, ascending.
  const labels = [...last].map(([methodId, y]) => ({ methodId, px: (hi - y) / perPx })).sort((a, b) => a.px - b.px)
  for (let i = 1; i < labels.length; i++) labels[i].px = Math.max(labels[i].px, labels[i - 1].px + gapPx)
  // Pushed past the bottom: shift the run back up as far as the top allows.
  const overflow = labels.length ? labels[labels.length - 1].px - heightPx : 0
  if (overflow > 0) {
    const shift = Math.min(overflow, labels[0].px)
    for (const l of labels) l.px -= shift
  }
  return labels.map((l) => ({ methodId: l.methodId, y: hi - l.px * perPx }))
}
