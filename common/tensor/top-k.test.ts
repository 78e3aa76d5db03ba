import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { descendingOrders, topK } from './top-k'

const orders = (values: Float32Array, rows: number, cols: number): number[][] => {
  const out: number[][] = []
  descendingOrders(values, rows, cols, (r, order) => (out[r] = Array.from(order)))
  return out
}

describe('descendingOrders', () => {
  it('orders as topK does: largest first, equal values (−0 and +0 too) lower index first', () => {
    // few distinct values, so ties are common; ±0, infinities and subnormals among them
    const value = fc.constantFrom(0, -0, 1, -1, 0.5, -0.5, 1e-40, -1e-40, Infinity, -Infinity, 3.25, -7.5)
    fc.assert(
      fc.property(fc.array(fc.oneof(value, fc.float({ noNaN: true })), { maxLength: 300 }), fc.integer({ min: 1, max: 4 }), (xs, rows) => {
        const cols = Math.floor(xs.length / rows)
        const values = Float32Array.from(xs.slice(0, rows * cols))
        const expected = Array.from({ length: rows }, (_, r) => Array.from(topK(values.subarray(r * cols, r * cols + cols), cols)))
        expect(orders(values, rows, cols)).toEqual(expected)
      }),
    )
  })

  it('ranks rows of a view into a larger array, and NaN by its sign outside the numbers', () => {
    const all = Float32Array.from([9, 2, NaN, -NaN, -Infinity, 2, Infinity, 9])
    const row = all.subarray(1, 7) // 2, NaN, -NaN, -Infinity, 2, Infinity
    const minusNaN = new Float32Array(1)
    new Uint32Array(minusNaN.buffer)[0] = 0xffc00000
    row[2] = minusNaN[0]
    expect(orders(row, 1, 6)).toEqual([[1, 5, 0, 4, 3, 2]])
    expect(orders(all.subarray(1, 7), 2, 3)).toEqual([[1, 0, 2], [2, 1, 0]])
  })
})
