import { describe, expect, it } from 'vitest'
import { createRng } from '../tensor/rng'
import { bootstrapMean, bootstrapMeans, quantileSorted } from './bootstrap'

describe('percentile bootstrap of the mean', () => {
  // Three videos' values and five resamples from seed 7, worked by hand.
  const values = [1, 2, 6]

  it('draws resample indices ⌊u·n⌋ from the seeded stream, resample by resample', () => {
    // The stream of createRng(7), as indices into three values: pinned, so the case below is a fixed one.
    const rand = createRng(7)
    expect(Array.from({ length: 15 }, () => Math.floor(rand() * 3))).toEqual([0, 0, 2, /**/ 2, 1, 1, /**/ 1, 0, 1, /**/ 2, 0, 0, /**/ 2, 1, 0])
    // Resamples (1, 1, 6) (6, 2, 2) (2, 1, 2) (6, 1, 1) (6, 2, 1): means 8/3, 10/3, 5/3, 8/3, 3.
    const means = Array.from(bootstrapMeans(values, 5, 7))
    ;[8 / 3, 10 / 3, 5 / 3, 8 / 3, 3].forEach((m, i) => expect(means[i]).toBeCloseTo(m, 12))
  })

  it('takes the 2.5 % and 97.5 % quantiles of the sorted means, interpolated at q·(B − 1)', () => {
    // Sorted means 5/3, 8/3, 8/3, 3, 10/3. Low at position 0.1: 5/3 + 0.1·(8/3 − 5/3) = 5/3 + 0.1.
    // High at position 3.9: 3 + 0.9·(10/3 − 3) = 3.3. The mean of the values is 3.
    const r = bootstrapMean(values, { resamples: 5, seed: 7 })!
    expect(r.n).toBe(3)
    expect(r.mean).toBeCloseTo(3, 12)
    expect(r.low).toBeCloseTo(5 / 3 + 0.1, 12)
    expect(r.high).toBeCloseTo(3.3, 12)
  })

  it('is reproducible for a seed and changes with it', () => {
    const xs = Array.from({ length: 12 }, (_, i) => Math.sin(i) * 3 + i / 4)
    expect(bootstrapMean(xs, { seed: 3 })).toEqual(bootstrapMean(xs, { seed: 3 }))
    expect(bootstrapMean(xs, { seed: 3 })!.low).not.toBe(bootstrapMean(xs, { seed: 4 })!.low)
  })

  it('one value: a zero-width interval; none: no interval', () => {
    expect(bootstrapMean([0.4])).toEqual({ mean: 0.4, low: 0.4, high: 0.4, n: 1 })
    expect(bootstrapMean([])).toBeUndefined()
  })

  it('quantiles interpolate linearly between order statistics', () => {
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5)
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3)
    expect(quantileSorted([1, 2, 3, 4, 5], 1)).toBe(5)
    expect(quantileSorted([7], 0.975)).toBe(7)
  })

  it('covers the true mean about 95 % of the time (200 data sets of 40 values)', () => {
    const rand = createRng(11)
    // Uniform(0, 1) values: true mean 0.5.
    let covered = 0
    for (let s = 0; s < 200; s++) {
      const xs = Array.from({ length: 40 }, () => rand())
      const r = bootstrapMean(xs, { resamples: 1000, seed: s })!
      if (r.low <= 0.5 && 0.5 <= r.high) covered++
    }
    expect(covered / 200).toBeGreaterThan(0.88)
    expect(covered / 200).toBeLessThan(0.995)
  })
})
