/** Orthonormal DCT-II matrix [n, n]: row k = α_k cos(π(2i+1)k / 2n), α_0 = √(1/n), α_k = √(2/n). */
export function dctMatrix(n: number): Float64Array {
  const m = new Float64Array(n * n)
  for (let k = 0; k < n; k++) {
    const alpha = Math.sqrt((k === 0 ? 1 : 2) / n)
    for (let i = 0; i < n; i++) m[k * n + i] = alpha * Math.cos((Math.PI * (2 * i + 1) * k) / (2 * n))
  }
  return m
}
