/**
 * Keyframe novelty from pixels alone (no model): how different a thumbnail's colours are from the
 * previous one's. The quick look uses it before any token exists, so its row can show scene
 * changes within seconds.
 *
 * Choice: a joint RGB histogram with 4 levels per channel (64 bins) compared by total-variation
 * distance, 0.5·Σ|a − b| ∈ [0, 1] (0: same colours, 1: no colour in common). A classic shot-boundary
 * cue; it ignores where colours are, so motion within a scene scores low while cuts score high.
 */

/** Levels per channel of the joint histogram (4 → 64 bins). */
export const HISTOGRAM_LEVELS = 4
export const HISTOGRAM_BINS = HISTOGRAM_LEVELS ** 3

/** Normalised joint RGB histogram [64] of the rgb24 pixels `rgb` [P*3] (all zeros when P = 0). */
export function colourHistogram(rgb: Uint8Array): Float32Array {
  const hist = new Float32Array(HISTOGRAM_BINS)
  const pixels = Math.floor(rgb.length / 3)
  const shift = 8 - Math.log2(HISTOGRAM_LEVELS)
  for (let p = 0; p < pixels; p++) {
    const r = rgb[3 * p] >> shift
    const g = rgb[3 * p + 1] >> shift
    const b = rgb[3 * p + 2] >> shift
    hist[(r * HISTOGRAM_LEVELS + g) * HISTOGRAM_LEVELS + b]++
  }
  if (pixels > 0) for (let i = 0; i < HISTOGRAM_BINS; i++) hist[i] /= pixels
  return hist
}

/** Total-variation distance 0.5·Σ|a − b| of two normalised histograms of the same length, in [0, 1]. */
export function histogramDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i])
  return Math.min(1, 0.5 * sum)
}
