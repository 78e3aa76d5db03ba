import { describe, expect, it } from 'vitest'
import { bestMatches, cosineMatrix, dotMatrix, rowwiseCosines } from './similarity'
import { createRng } from './rng'
import { dot, l2NormalizeRows } from './vectors'

/**
 * The fast kernels against the scalar reference (float64 dot products of the same unit rows):
 * within 2e-6 (the measured error is below 3e-7 at D = 768), bitwise symmetric, and decisions
 * (best matches) equal to an argmax over the kernel's own values, first on ties.
 */
const TOLERANCE = 2e-6
const rows = (n: number, d: number, seed: number) => {
  const rand = createRng(seed)
  return Float32Array.from({ length: n * d }, () => rand() * 2 - 1.3)
}
const reference = (a: Float32Array, b: Float32Array, d: number, normalise: boolean) => {
  const ua = normalise ? l2NormalizeRows(a, d) : a
  const ub = normalise ? l2NormalizeRows(b, d) : b
  const ra = a.length / d
  const rb = b.length / d
  return Float64Array.from({ length: ra * rb }, (_, k) => dot(ua, Math.floor(k / rb) * d, ub, (k % rb) * d, d))
}
const maxDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => Math.max(...Array.from(x, (v, i) => Math.abs(v - y[i])))

describe('similarity kernels', () => {
  for (const [n, m, d] of [[7, 5, 3], [13, 9, 16], [196, 98, 768], [1, 1, 5], [6, 4, 192]]) {
    it(`equal the scalar reference within ${TOLERANCE} (${n}×${m}, D = ${d})`, () => {
      const a = rows(n, d, n + d)
      const b = rows(m, d, m * d)
      expect(maxDiff(cosineMatrix(a, d, b), reference(a, b, d, true))).toBeLessThanOrEqual(TOLERANCE)
      const self = cosineMatrix(a, d)
      expect(maxDiff(self, reference(a, a, d, true))).toBeLessThanOrEqual(TOLERANCE)
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(self[i * n + j]).toBe(self[j * n + i])
      const dots = dotMatrix(a, d, b)
      const scale = Math.max(...Array.from(reference(a, b, d, false), Math.abs))
      expect(maxDiff(dots, reference(a, b, d, false)) / scale).toBeLessThanOrEqual(TOLERANCE)
      const cos = cosineMatrix(a, d, b)
      const best = bestMatches(a, b, d)
      for (let i = 0; i < n; i++) {
        let bi = 0
        for (let j = 1; j < m; j++) if (cos[i * m + j] > cos[i * m + bi]) bi = j
        expect(best.index[i]).toBe(bi)
        expect(best.value[i]).toBe(cos[i * m + bi])
      }
      const same = rowwiseCosines(a, a.map((v) => -2 * v), d)
      for (const v of same) expect(Math.abs(v + 1)).toBeLessThanOrEqual(TOLERANCE)
    })
  }

  it('breaks ties deterministically: equal rows score equal, the first best match wins, zero rows give 0', () => {
    const d = 6
    const a = rows(3, d, 1)
    const b = new Float32Array(4 * d)
    b.set(a.subarray(d, 2 * d), 0)
    b.set(a.subarray(d, 2 * d), 2 * d) // rows 0 and 2 of b are the same vector
    const best = bestMatches(a, b, d)
    expect(best.index[1]).toBe(0)
    const cos = cosineMatrix(a, d, b)
    expect(cos[1 * 4 + 0]).toBe(cos[1 * 4 + 2])
    expect(cos[0 * 4 + 1]).toBe(0) // b's row 1 is zero
    expect(Array.from(cosineMatrix(a, d, b))).toEqual(Array.from(cosineMatrix(a, d, b)))
  })
})
