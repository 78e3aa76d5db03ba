/**
 * Cosine blocks between the rows of row-major float32 matrices: the O(R·S·D) similarity work of the
 * issue-13 methods, in one place so it moves onto the engine's fast kernels (issue 11) without
 * touching the methods. This is the scalar stand-in: the same names, signatures and conventions as
 * the kernels' common/tensor/similarity.ts on branch i11-engine, which replaces this file when it
 * lands (take that version in the merge).
 *
 * Conventions: rows are made unit length as l2NormalizeRows does (a zero row stays zero, so its
 * cosines are 0); a dot sums over four lanes (lane l takes the k ≡ l mod 4 terms in increasing k,
 * the lanes added as (l0 + l1) + (l2 + l3)), in float64 here, and the result is rounded to
 * float32 (the kernels sum in float32: results agree within 2e-6); best matches take the first
 * column on ties.
 */
import { l2NormalizeRows } from './vectors'

/** a_oa · b_ob over d values, in the four-lane order (twice as fast as one accumulator in V8). */
function laneDot(a: Float32Array, oa: number, b: Float32Array, ob: number, d: number): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let k = 0
  for (; k + 3 < d; k += 4) {
    s0 += a[oa + k] * b[ob + k]
    s1 += a[oa + k + 1] * b[ob + k + 1]
    s2 += a[oa + k + 2] * b[ob + k + 2]
    s3 += a[oa + k + 3] * b[ob + k + 3]
  }
  if (k < d) s0 += a[oa + k] * b[ob + k]
  if (k + 1 < d) s1 += a[oa + k + 1] * b[ob + k + 1]
  if (k + 2 < d) s2 += a[oa + k + 2] * b[ob + k + 2]
  return s0 + s1 + (s2 + s3)
}

/** Cosine similarities S [ra, rb] of the rows of a [ra, d] with those of b [rb, d]; without b, of a with itself (symmetric, each pair once). */
export function cosineMatrix(a: Float32Array, d: number, b?: Float32Array): Float32Array {
  const ua = l2NormalizeRows(a, d)
  const ra = a.length / d
  if (!b) {
    const out = new Float32Array(ra * ra)
    for (let i = 0; i < ra; i++) {
      for (let j = i; j < ra; j++) {
        const s = laneDot(ua, i * d, ua, j * d, d)
        out[i * ra + j] = s
        out[j * ra + i] = s
      }
    }
    return out
  }
  const ub = l2NormalizeRows(b, d)
  const rb = b.length / d
  const out = new Float32Array(ra * rb)
  for (let i = 0; i < ra; i++) for (let j = 0; j < rb; j++) out[i * rb + j] = laneDot(ua, i * d, ub, j * d, d)
  return out
}

/**
 * For every row of a [ra, d], the row of b [rb, d] it is most cosine-similar to (the first on
 * ties) and that similarity: index [ra], value [ra]. rb ≥ 1.
 */
export function bestMatches(a: Float32Array, b: Float32Array, d: number): { index: Int32Array; value: Float32Array } {
  const ua = l2NormalizeRows(a, d)
  const ub = l2NormalizeRows(b, d)
  const ra = a.length / d
  const rb = b.length / d
  const index = new Int32Array(ra)
  const value = new Float32Array(ra)
  for (let i = 0; i < ra; i++) {
    let best = -Infinity
    for (let j = 0; j < rb; j++) {
      const s = Math.fround(laneDot(ua, i * d, ub, j * d, d))
      if (s > best) {
        best = s
        index[i] = j
      }
    }
    value[i] = best
  }
  return { index, value }
}
