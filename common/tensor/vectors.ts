/** Row-major matrices as flat Float32Arrays: row r of an [R, D] matrix is at r*D. */

export function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0
  for (let k = 0; k < d; k++) s += a[ai + k] * b[bi + k]
  return s
}

/** Rows scaled to unit L2 norm (zero rows stay zero). [R, D] → new [R, D]. */
export function l2NormalizeRows(x: Float32Array, d: number): Float32Array {
  const out = new Float32Array(x.length)
  for (let r = 0; r < x.length; r += d) {
    let s = 0
    for (let k = 0; k < d; k++) s += x[r + k] * x[r + k]
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0
    for (let k = 0; k < d; k++) out[r + k] = x[r + k] * inv
  }
  return out
}

export function cosine(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0
  let na = 0
  let nb = 0
  for (let k = 0; k < d; k++) {
    s += a[ai + k] * b[bi + k]
    na += a[ai + k] * a[ai + k]
    nb += b[bi + k] * b[bi + k]
  }
  return na > 0 && nb > 0 ? s / Math.sqrt(na * nb) : 0
}

/** Mean of the rows of [R, D] → [D]. */
export function meanRows(x: Float32Array, d: number): Float32Array {
  const out = new Float32Array(d)
  const rows = x.length / d
  for (let r = 0; r < x.length; r += d) for (let k = 0; k < d; k++) out[k] += x[r + k]
  for (let k = 0; k < d; k++) out[k] /= rows || 1
  return out
}

/** Similarity matrix A Bᵀ for [Ra, D] and [Rb, D] → [Ra, Rb]. Normalise rows first for cosine. */
export function gram(a: Float32Array, b: Float32Array, d: number): Float32Array {
  const ra = a.length / d
  const rb = b.length / d
  const out = new Float32Array(ra * rb)
  for (let i = 0; i < ra; i++) {
    const ai = i * d
    for (let j = 0; j < rb; j++) out[i * rb + j] = dot(a, ai, b, j * d, d)
  }
  return out
}

/** Size-weighted mean of groups: features [N, D], groups [N] in 0..m-1 or -1, weights [N] (default 1) → [m, D]. */
export function groupMeans(x: Float32Array, d: number, groups: Int32Array, m: number, weights?: Float32Array): Float32Array {
  const out = new Float32Array(m * d)
  const total = new Float64Array(m)
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]
    if (g < 0) continue
    const w = weights ? weights[i] : 1
    total[g] += w
    for (let k = 0; k < d; k++) out[g * d + k] += w * x[i * d + k]
  }
  for (let g = 0; g < m; g++) {
    const inv = total[g] > 0 ? 1 / total[g] : 0
    for (let k = 0; k < d; k++) out[g * d + k] *= inv
  }
  return out
}
