/**
 * Local Outlier Factor of 1-D values, as scikit-learn's LocalOutlierFactor(n_neighbors=k,
 * contamination='auto') fits it on [[v_i]]: k is capped at n − 1; a point's neighbours are the k
 * nearest other points (|v_i − v_j|; equal distances: the lower index first, where sklearn's tree
 * search leaves the order open); k-distance = distance to the k-th; reach(p, o) = max(kdist(o),
 * |p − o|); lrd(p) = 1 / (mean_o reach(p, o) + 1e−10); LOF(p) = mean_o lrd(o) / lrd(p). With
 * contamination 'auto' a point is an outlier when LOF > 1.5 (negative_outlier_factor_ < −1.5).
 */

/** LOF of every value [n]; n < 2 gives LOF 1 (no neighbours to compare with). */
export function localOutlierFactor(values: ArrayLike<number>, k: number): Float64Array {
  const n = values.length
  const out = new Float64Array(n).fill(1)
  if (n < 2) return out
  const kk = Math.min(k, n - 1)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b)
  const rank = new Int32Array(n)
  order.forEach((i, r) => (rank[i] = r))
  const neighbours: Int32Array[] = []
  const kdist = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    // Walk outwards from i's place in sorted order: the k nearest others.
    const nb = new Int32Array(kk)
    let lo = rank[i] - 1
    let hi = rank[i] + 1
    for (let m = 0; m < kk; m++) {
      const dl = lo >= 0 ? values[i] - values[order[lo]] : Infinity
      const dh = hi < n ? values[order[hi]] - values[i] : Infinity
      const takeLow = dl < dh || (dl === dh && order[lo] < order[hi])
      nb[m] = takeLow ? order[lo--] : order[hi++]
    }
    neighbours.push(nb)
    kdist[i] = Math.abs(values[i] - values[nb[kk - 1]])
  }
  const lrd = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (const o of neighbours[i]) s += Math.max(kdist[o], Math.abs(values[i] - values[o]))
    lrd[i] = 1 / (s / kk + 1e-10)
  }
  for (let i = 0; i < n; i++) {
    let s = 0
    for (const o of neighbours[i]) s += lrd[o]
    out[i] = s / kk / lrd[i]
  }
  return out
}

/** The share of `values` that LOF calls outliers (LOF > 1.5): Recoverable Compression's dynamic ratio. */
export function outlierRatio(values: ArrayLike<number>, k: number): number {
  if (!values.length) return 0
  const lof = localOutlierFactor(values, k)
  let outliers = 0
  for (const v of lof) if (v > 1.5) outliers++
  return outliers / values.length
}
