import { expect } from 'vitest'

/** `row` is `weights` divided by their sum (each value to `digits` decimals), and sums to 1. */
export function expectNormalised(row: ArrayLike<number>, weights: readonly number[], digits: number): void {
  const z = weights.reduce((a, c) => a + c)
  let sum = 0
  for (let j = 0; j < weights.length; j++) {
    expect(row[j]).toBeCloseTo(weights[j] / z, digits)
    sum += row[j]
  }
  expect(sum).toBeCloseTo(1, 5)
}
