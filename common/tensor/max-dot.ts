/**
 * For each row of A [p, D], the largest dot product with any row of B [k, D]: the nearest-neighbour
 * search of cosine metrics on L2-normalised rows, as a blocked matrix product. Tiles of 4 rows of A
 * × 2 rows of B share every load (8 sums per 6 reads instead of 1 per 2); each sum still runs over
 * d in order in double precision, so every product, and the result, equals the row-by-row `dot`.
 * out [p] gets -Infinity where B has no rows.
 */
import { dot } from './vectors'

export function maxDotPerRow(a: Float32Array, b: Float32Array, d: number, out: Float64Array = new Float64Array(a.length / d)): Float64Array {
  const p = a.length / d
  const k = b.length / d
  let i = 0
  for (; i + 4 <= p; i += 4) {
    const a0 = i * d
    const a1 = a0 + d
    const a2 = a1 + d
    const a3 = a2 + d
    let m0 = -Infinity
    let m1 = -Infinity
    let m2 = -Infinity
    let m3 = -Infinity
    let j = 0
    for (; j + 2 <= k; j += 2) {
      const b0 = j * d
      const b1 = b0 + d
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0 // prettier-ignore
      for (let c = 0; c < d; c++) {
        const x0 = b[b0 + c]
        const x1 = b[b1 + c]
        const y0 = a[a0 + c]
        const y1 = a[a1 + c]
        const y2 = a[a2 + c]
        const y3 = a[a3 + c]
        s00 += y0 * x0
        s01 += y0 * x1
        s10 += y1 * x0
        s11 += y1 * x1
        s20 += y2 * x0
        s21 += y2 * x1
        s30 += y3 * x0
        s31 += y3 * x1
      }
      m0 = Math.max(m0, s00, s01)
      m1 = Math.max(m1, s10, s11)
      m2 = Math.max(m2, s20, s21)
      m3 = Math.max(m3, s30, s31)
    }
    for (; j < k; j++) {
      const b0 = j * d
      m0 = Math.max(m0, dot(a, a0, b, b0, d))
      m1 = Math.max(m1, dot(a, a1, b, b0, d))
      m2 = Math.max(m2, dot(a, a2, b, b0, d))
      m3 = Math.max(m3, dot(a, a3, b, b0, d))
    }
    out[i] = m0
    out[i + 1] = m1
    out[i + 2] = m2
    out[i + 3] = m3
  }
  for (; i < p; i++) {
    let m = -Infinity
    for (let j = 0; j < k; j++) m = Math.max(m, dot(a, i * d, b, j * d, d))
    out[i] = m
  }
  return out
}
