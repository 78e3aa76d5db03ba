import { describe, expect, it } from 'vitest'
import { createRng } from './rng'
import { maxDotPerRow } from './max-dot'
import { dot } from './vectors'

describe('maxDotPerRow', () => {
  it('equals the row-by-row maximum of dot exactly, for every tile remainder', () => {
    const rand = createRng(7)
    for (const [p, k, d] of [[9, 5, 7], [4, 2, 3], [1, 1, 1], [13, 6, 16], [3, 7, 5]]) {
      const a = Float32Array.from({ length: p * d }, () => rand() * 2 - 1)
      const b = Float32Array.from({ length: k * d }, () => rand() * 2 - 1)
      const expected = Array.from({ length: p }, (_, i) => Math.max(...Array.from({ length: k }, (_, j) => dot(a, i * d, b, j * d, d))))
      expect(Array.from(maxDotPerRow(a, b, d))).toEqual(expected)
    }
  })

  it('gives -Infinity for every row when B has no rows', () => {
    expect(Array.from(maxDotPerRow(new Float32Array(6), new Float32Array(0), 3))).toEqual([-Infinity, -Infinity])
  })
})
