/**
 * Dot-product blocks between the rows of row-major float32 matrices: the O(R·S·D) similarity work
 * of the methods, written once here so it can move onto the engine's fast kernels (issue 11)
 * without touching the methods. With unit rows (l2NormalizeRows) the dots are cosines.
 *
 * Every entry is summed in float64 in increasing k, so a block equals the same pairs computed one
 * by one (`dot` in vectors.ts), whatever the block shape.
 */

/** out[r·Rb + c] = a_r · b_c. a [Ra, D], b [Rb, D] → [Ra, Rb]. */
export function dotBlock(a: Float32Array, b: Float32Array, d: number, out: Float64Array = new Float64Array((a.length / d) * (b.length / d))): Float64Array {
  const ra = a.length / d
  const rb = b.length / d
  for (let r = 0; r < ra; r++) {
    const oa = r * d
    for (let c = 0; c < rb; c++) {
      const ob = c * d
      let s = 0
      for (let k = 0; k < d; k++) s += a[oa + k] * b[ob + k]
      out[r * rb + c] = s
    }
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
      const oj = j * d
      let s = 0
      for (let k = 0; k < d; k++) s += x[oi + k] * x[oj + k]
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
      const ob = c * d
      let s = 0
      for (let k = 0; k < d; k++) s += a[oa + k] * b[ob + k]
      if (s > value[r]) {
        value[r] = s
        index[r] = c
      }
    }
  }
  return { index, value }
}
