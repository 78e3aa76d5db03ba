/**
 * The budget slider's log-ish scale (pure): slider position p in [0, 1] ↔ share of tokens in
 * [1%, 100%], share = 0.01 · 100^p, so each tenth of the slider multiplies the share by ~1.58.
 */
export const MIN_SHARE = 0.01

export function shareOfPosition(p: number): number {
  const clamped = Math.min(1, Math.max(0, p))
  return MIN_SHARE * Math.pow(1 / MIN_SHARE, clamped)
}

export function positionOfShare(share: number): number {
  const clamped = Math.min(1, Math.max(MIN_SHARE, share))
  return Math.log(clamped / MIN_SHARE) / Math.log(1 / MIN_SHARE)
}

/** A share rounded for display and requests: 2 significant digits (0.0123 → 0.012, 0.456 → 0.46). */
export const roundShare = (share: number): number => Number(share.toPrecision(2))
