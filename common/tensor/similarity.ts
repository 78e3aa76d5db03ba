/**
 * Dot-product blocks between the rows of row-major float32 matrices: the O(R·S·D) similarity work
 * of the methods, written once here so it can move onto the engine's fast kernels (issue 11)
 * without touching the methods. With unit rows (l2NormalizeRows) the dots are cosines.
 *
 * Every entry is summed in float64 over four lanes (lane l takes the k ≡ l mod 4 terms in increasing
 * k; the lanes are added as (l0 + l1) + (l2 + l3)), the order the engine's SIMD kernels use
 * (notes/kernels.md), so an entry does not depend on the block it is computed in. Twice as fast as
 * one accumulator in V8.
 */

/** a_oa · b_ob over d values, in the four-lane order above. */
export function laneDot(a: Float32Array, oa: number, b: Float32Array, ob: number, d: number): number {
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

/** out[r·Rb + c] = a_r · b_c. a [Ra, D], b [Rb, D] → [Ra, Rb]. */
export function dotBlock(a: Float32Array, b: Float32Array, d: number, out: Float64Array = new Float64Array((a.length / d) * (b.length / d))): Float64Array {
  const ra = a.length / d
  const rb = b.length / d
  for (let r = 0; r < ra; r++) {
    const oa = r * d
    for (let c = 0; c < rb; c++) out[r * rb + c] = laneDot(a, oa, b, c * d, d)
  }
  return out
}

/** The symmetric block of x with itself: out[i·R + j] = x_i · x_j (each pair computed once). x [R, D] → [R, R]. */
export function selfDotBlock(x: Float32Array, d: number): Float64Array {
  const n = x.length / d
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const oi = i * d
    for (let j = i; j < n; j++) {
      const s = laneDot(x, oi, x, j * d, d)
      out[i * n + j] = s
      out[j * n + i] = s
    }
  }
  return out
}

/**
 * For each row of a, the row of b with the largest dot (the first on ties, as torch.argmax) and
 * that dot. a [Ra, D], b [Rb, D] → index [Ra] (-1 when b is empty), value [Ra] (-Infinity then).
 */
export function argmaxDots(a: Float32Array, b: Float32Array, d: number): { index: Int32Array; value: Float64Array } {
  const ra = a.length / d
  const rb = b.length / d
  const index = new Int32Array(ra).fill(-1)
  const value = new Float64Array(ra).fill(-Infinity)
  for (let r = 0; r < ra; r++) {
    const oa = r * d
    for (let c = 0; c < rb; c++) {
      const s = laneDot(a, oa, b, c * d, d)
      if (s > value[r]) {
        value[r] = s
        index[r] = c
      }
    }
  }
  return { index, value }
}
