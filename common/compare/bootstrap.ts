import { createRng } from '../tensor/rng'

/**
 * The mean of a metric over videos and its 95 % percentile-bootstrap interval (Efron & Tibshirani,
 * An Introduction to the Bootstrap, 1993, ch. 13), for claims made over a data set.
 *
 * Method, with n values x_1..x_n (one per video) and B resamples (default 2,000):
 *   for b = 1..B: draw n indices i_1..i_n, each ⌊u·n⌋ for the next u of the seeded stream
 *   (common/tensor/rng.ts, mulberry32; drawn resample by resample, index by index), and
 *   record the resample mean m_b = (1/n) Σ x_{i_j};
 *   sort m_1..m_B; the interval's ends are the (α/2) and (1 − α/2) quantiles of the sorted means,
 *   each by linear interpolation between order statistics at position q·(B − 1) (0-based; the
 *   default of numpy.quantile and R's type 7).
 * The same values, B, α and seed give the same interval on every platform. One value gives a
 * zero-width interval; no value gives none.
 */

export interface MeanInterval {
  mean: number
  /** Lower and upper ends of the interval. */
  low: number
  high: number
  /** Values the mean is over. */
  n: number
}

export interface BootstrapOptions {
  /** Resamples (default 2,000). */
  resamples?: number
  /** 1 − confidence (default 0.05, a 95 % interval). */
  alpha?: number
  /** Seed of the resampling stream (default 0). */
  seed?: number
}

export const DEFAULT_RESAMPLES = 2000

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted` by linear interpolation at q·(len − 1). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo])
}

/** The resample means, in the order drawn (see above). */
export function bootstrapMeans(values: ArrayLike<number>, resamples = DEFAULT_RESAMPLES, seed = 0): Float64Array {
  const n = values.length
  const rand = createRng(seed)
  const means = new Float64Array(resamples)
  for (let b = 0; b < resamples; b++) {
    let sum = 0
    for (let j = 0; j < n; j++) sum += values[Math.floor(rand() * n)]
    means[b] = sum / n
  }
  return means
}

/** Mean and percentile-bootstrap interval of `values`; undefined when there are none. */
export function bootstrapMean(values: ArrayLike<number>, opts: BootstrapOptions = {}): MeanInterval | undefined {
  const n = values.length
  if (n === 0) return undefined
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]
  const mean = sum / n
  const alpha = opts.alpha ?? 0.05
  const means = bootstrapMeans(values, opts.resamples ?? DEFAULT_RESAMPLES, opts.seed ?? 0).sort()
  return { mean, low: quantileSorted(means, alpha / 2), high: quantileSorted(means, 1 - alpha / 2), n }
}
