import { describe, expect, it } from 'vitest'
import { bestMatches, cosineMatrix, dotMatrix, maxMinOrder, rowwiseCosines } from './similarity'
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

  /**
   * DivPrune's greedy as its code states it, in float64 distances 1 − S over the kernel's own S:
   * the first pick maximises each token's second-smallest distance, then the minimum distance to
   * the chosen set; first index on ties, chosen tokens never again.
   */
  const greedyReference = (x: Float32Array, d: number): number[] => {
    const n = x.length / d
    const dist = Float64Array.from(cosineMatrix(x, d), (s) => 1 - s)
    const score = Array.from({ length: n }, (_, j) => [...dist.subarray(j * n, j * n + n)].sort((a, b) => a - b)[1] ?? 0)
    const order: number[] = []
    const taken = new Set<number>()
    for (let q = 0; q < n; q++) {
      let best = -1
      for (let j = 0; j < n; j++) if (!taken.has(j) && (best < 0 || score[j] > score[best])) best = j
      order.push(best)
      taken.add(best)
      for (let j = 0; j < n; j++) score[j] = q === 0 ? dist[best * n + j] : Math.min(score[j], dist[best * n + j])
    }
    return order
  }

  for (const [n, d] of [[1, 4], [2, 3], [3, 8], [5, 7], [13, 16], [49, 33], [196, 768]]) {
    it(`orders DivPrune's greedy picks as the float64 reference does (${n} rows, D = ${d})`, () => {
      const x = rows(n, d, 7 * n + d)
      expect(Array.from(maxMinOrder(x, d))).toEqual(greedyReference(x, d))
    })
  }

  it('orders duplicates and zero rows deterministically, each row once', () => {
    const d = 5
    const base = rows(4, d, 3)
    const x = new Float32Array(11 * d)
    for (let i = 0; i < 11; i++) if (i % 5 !== 4) x.set(base.subarray((i % 4) * d, (i % 4) * d + d), i * d) // rows 4 and 9 stay zero
    const order = Array.from(maxMinOrder(x, d))
    expect(order).toEqual(greedyReference(x, d))
    expect(new Set(order).size).toBe(11)
  })
})
