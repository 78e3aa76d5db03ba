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

/** Squared L2 norm of every row: [R, D] → [R]. */
export function rowSquaredNorms(x: Float32Array, d: number): Float64Array {
  const rows = x.length / d
  const out = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    let s = 0
    for (let k = i * d; k < (i + 1) * d; k++) s += x[k] * x[k]
    out[i] = s
  }
  return out
}

/** L2 norm of every row: [R, D] → [R]. */
export const rowNorms = (x: Float32Array, d: number): Float64Array => rowSquaredNorms(x, d).map(Math.sqrt)

/**
 * Cosine similarity of each row of a with the same row of b: a, b [R, D] → out [R].
 * Zero rows give 0. Norms may be passed in to avoid recomputing them.
 */
export function rowwiseCosine(a: Float32Array, b: Float32Array, d: number, out: Float64Array, na?: Float64Array, nb?: Float64Array): Float64Array {
  const n = out.length
  for (let i = 0; i < n; i++) {
    let s = 0
    let sa = 0
    let sb = 0
    const o = i * d
    for (let k = o; k < o + d; k++) {
      s += a[k] * b[k]
      if (!na) sa += a[k] * a[k]
      if (!nb) sb += b[k] * b[k]
    }
    const den = (na ? na[i] : Math.sqrt(sa)) * (nb ? nb[i] : Math.sqrt(sb))
    out[i] = den > 0 ? s / den : 0
  }
  return out
}

/** Dot products of consecutive vectors (cosines when they are unit vectors): [T] × [D] → [T-1], entry t compares t and t+1. */
export function consecutiveSimilarity(g: Float32Array[]): Float64Array {
  const out = new Float64Array(Math.max(0, g.length - 1))
  for (let t = 0; t + 1 < g.length; t++) out[t] = dot(g[t], 0, g[t + 1], 0, g[t].length)
  return out
}

/** The rows `rows` of x [R, D] gathered into a new [rows.length, D]. */
export function gatherRows(x: Float32Array, d: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * d)
  for (let r = 0; r < rows.length; r++) out.set(x.subarray(rows[r] * d, rows[r] * d + d), r * d)
  return out
}
