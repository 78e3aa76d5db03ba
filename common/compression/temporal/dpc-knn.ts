/**
 * DPC-KNN density peaks clustering, as PruneVid (cluster_dpc_knn), FastVID and HoliTom use it on
 * token features. Shapes: rows x [n, D] row-major; distances [n, n].
 */
import { topK } from '../../tensor/top-k'
import { dotMatrix } from '../../tensor/similarity'

/**
 * Euclidean distances / sqrt(D) between all rows of x [n, D] → [n, n] (the DPC-KNN convention of
 * PruneVid/FastVID/HoliTom), from the float32 dot products of the kernels (tensor/similarity.ts):
 * √max(0, g_ii + g_jj − 2·g_ij)/√D with every g from the same product, so equal rows are at
 * distance 0 exactly; the diagonal is 0.
 */
export function scaledDistances(x: Float32Array, d: number): Float32Array {
  const n = x.length / d
  const g = dotMatrix(x, d)
  const out = new Float32Array(n * n)
  const scale = 1 / Math.sqrt(d)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.sqrt(Math.max(0, g[i * n + i] + g[j * n + j] - 2 * g[i * n + j])) * scale
      out[i * n + j] = v
      out[j * n + i] = v
    }
  }
  return out
}

/**
 * DPC-KNN density peaks on a distance matrix dist [n, n]: local density exp(-mean of the squared
 * distances to the k nearest rows, self included) plus noise < 1e-6 (seeded, as the originals add
 * torch.rand noise to break ties); distance indicator = distance to the nearest denser row (the
 * largest distance in the matrix for the densest row); score = indicator × density.
 * Returns the `centers` rows with the highest score, highest first, and the score [n].
 */
export function dpcKnnCenters(dist: Float32Array, n: number, k: number, centers: number, rand: () => number): { centers: Int32Array; score: Float64Array } {
  const kk = Math.max(1, Math.min(k, n))
  const density = new Float64Array(n)
  const near = new Float64Array(kk)
  let distMax = 0
  for (let i = 0; i < n; i++) {
    near.fill(Infinity)
    for (let j = 0; j < n; j++) {
      const v = dist[i * n + j]
      if (v > distMax) distMax = v
      if (v < near[kk - 1]) {
        let p = kk - 1
        while (p > 0 && near[p - 1] > v) {
          near[p] = near[p - 1]
          p--
        }
        near[p] = v
      }
    }
    let s = 0
    for (let q = 0; q < kk; q++) s += near[q] * near[q]
    density[i] = Math.exp(-s / kk) + rand() * 1e-6
  }
  const score = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let best = distMax
    for (let j = 0; j < n; j++) if (density[j] > density[i] && dist[i * n + j] < best) best = dist[i * n + j]
    score[i] = best * density[i]
  }
  return { centers: topK(score, Math.min(centers, n)), score }
}

/**
 * DPC-KNN clustering as in PruneVid's cluster_dpc_knn: centers by dpcKnnCenters, every row joins
 * the nearest center (first center on ties), centers join themselves. Returns labels [n] in
 * 0..centers-1 (the rank of the center's score) and the centers' rows, by that rank.
 */
export function dpcKnnCluster(x: Float32Array, d: number, clusters: number, k: number, rand: () => number): { labels: Int32Array; centers: Int32Array } {
  const n = x.length / d
  const dist = scaledDistances(x, d)
  const { centers } = dpcKnnCenters(dist, n, k, clusters, rand)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestD = Infinity
    for (let c = 0; c < centers.length; c++) {
      const v = dist[centers[c] * n + i]
      if (v < bestD) {
        bestD = v
        best = c
      }
    }
    labels[i] = best
  }
  for (let c = 0; c < centers.length; c++) labels[centers[c]] = c
  return { labels, centers }
}
