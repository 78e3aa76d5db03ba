/**
 * Helpers shared by the temporal and frame-selection methods: global frame features, per-position
 * similarity between frames, DPC-KNN density peaks, exact budget allocation, and assembling a
 * TokenMap + output features from per-patch labels.
 *
 * Shapes: a frame's tokens are [N, D] row-major (patch i at i*D); labels are [T*N] (frame-major).
 */
import type { VideoTokens } from '../../tokens'
import { patchCount } from '../../tokens'
import { PRUNED, type TokenMap } from '../../token-map'
import { dot, l2NormalizeRows, meanRows } from '../../tensor/vectors'
import { type Budget, budgetTokens, type FrameSelectionMethod, type MethodContext, type MethodResult, type ParamSpec, type ParamValues } from '../types'

export type GlobalFeatureMode = 'auto' | 'cls' | 'mean'

export const globalFeatureParam: ParamSpec = {
  type: 'enum',
  default: 'auto',
  options: ['auto', 'cls', 'mean'],
  help: 'Frame-level feature: the class token (cls), the mean of the patch tokens (mean), or cls when the model has one (auto)',
}

/** One L2-normalised global feature per frame: [T] × [D]. */
export function globalFeatures(video: VideoTokens, mode: GlobalFeatureMode | string): Float32Array[] {
  const useCls = mode === 'cls' || (mode === 'auto' && !!video.cls)
  if (useCls && !video.cls) throw new Error('class token requested but the model has none')
  return video.tokens.map((x, t) => l2NormalizeRows(useCls ? video.cls![t] : meanRows(x, video.dim), video.dim))
}

/** Dot products of consecutive normalised global features: [T-1], entry t compares frames t and t+1. */
export function consecutiveSimilarity(g: Float32Array[]): Float64Array {
  const out = new Float64Array(Math.max(0, g.length - 1))
  for (let t = 0; t + 1 < g.length; t++) {
    let s = 0
    const a = g[t]
    const b = g[t + 1]
    for (let k = 0; k < a.length; k++) s += a[k] * b[k]
    out[t] = s
  }
  return out
}

/** Per-patch L2 norms of a frame [N, D] → [N]. */
export function rowNorms(x: Float32Array, d: number): Float64Array {
  const n = x.length / d
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = i * d; k < (i + 1) * d; k++) s += x[k] * x[k]
    out[i] = Math.sqrt(s)
  }
  return out
}

/**
 * Cosine similarity of each patch position between two frames: a, b [N, D] → out [N].
 * Zero vectors give 0. Norms may be passed in to avoid recomputing them.
 */
export function positionCosine(a: Float32Array, b: Float32Array, d: number, out: Float64Array, na?: Float64Array, nb?: Float64Array): Float64Array {
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

/** Indices of the k largest values, largest first; ties keep the lower index first. */
export function topK(values: ArrayLike<number>, k: number, indices?: ArrayLike<number>): Int32Array {
  const idx = indices ? Int32Array.from(indices) : Int32Array.from({ length: values.length }, (_, i) => i)
  const order = Array.from(idx.keys()).sort((p, q) => {
    const vp = indices ? values[p] : values[idx[p]]
    const vq = indices ? values[q] : values[idx[q]]
    return vq - vp || p - q
  })
  return Int32Array.from(order.slice(0, Math.max(0, k)), (p) => idx[p])
}

/** Indices of the k smallest values, smallest first; ties keep the lower index first. */
export function bottomK(values: ArrayLike<number>, k: number): Int32Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((p, q) => values[p] - values[q] || p - q)
  return Int32Array.from(order.slice(0, Math.max(0, k)))
}

/** Python's round(): halves go to the even neighbour (used where the original code calls round()). */
export function pyRound(x: number): number {
  const f = Math.floor(x)
  const diff = x - f
  if (diff > 0.5) return f + 1
  if (diff < 0.5) return f
  return f % 2 === 0 ? f : f + 1
}

/** The rows `rows` of x [R, D] gathered into a new [rows.length, D]. */
export function gatherRows(x: Float32Array, d: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * d)
  for (let r = 0; r < rows.length; r++) out.set(x.subarray(rows[r] * d, rows[r] * d + d), r * d)
  return out
}

/** Euclidean distances / sqrt(D) between all rows of x [n, D] → [n, n] (the DPC-KNN convention of PruneVid/FastVID/HoliTom). */
export function scaledDistances(x: Float32Array, d: number): Float32Array {
  const n = x.length / d
  const sq = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = i * d; k < i * d + d; k++) s += x[k] * x[k]
    sq[i] = s
  }
  const out = new Float32Array(n * n)
  const scale = 1 / Math.sqrt(d)
  for (let i = 0; i < n; i++) {
    const oi = i * d
    for (let j = i + 1; j < n; j++) {
      const v = Math.sqrt(Math.max(0, sq[i] + sq[j] - 2 * dot(x, oi, x, j * d, d))) * scale
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
 * 0..centers-1 (the rank of the center's score).
 */
export function dpcKnnCluster(x: Float32Array, d: number, clusters: number, k: number, rand: () => number): Int32Array {
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
  return labels
}

/**
 * Splits `total` over items in proportion to `weights`, each item at most `cap[i]`, summing exactly
 * to min(total, Σcap): floors first, then the largest remainders (lower index first on ties);
 * what a capped item cannot take goes to the others. weights ≥ 0.
 */
export function allocateByWeights(weights: ArrayLike<number>, total: number, cap: ArrayLike<number> | number): Int32Array {
  const n = weights.length
  const capOf = (i: number) => (typeof cap === 'number' ? cap : cap[i])
  const out = new Int32Array(n)
  const frac = new Float64Array(n)
  let left = total
  while (left > 0) {
    const open: number[] = []
    let wsum = 0
    for (let i = 0; i < n; i++) {
      if (out[i] < capOf(i)) {
        open.push(i)
        wsum += weights[i]
      }
    }
    if (!open.length) break
    let given = 0
    for (const i of open) {
      const ideal = wsum > 0 ? (left * weights[i]) / wsum : left / open.length
      const room = capOf(i) - out[i]
      const take = Math.min(Math.floor(ideal), room)
      out[i] += take
      given += take
      frac[i] = take < room ? ideal - Math.floor(ideal) : -1
    }
    left -= given
    const byRemainder = open.filter((i) => frac[i] >= 0).sort((p, q) => frac[q] - frac[p] || p - q)
    for (const i of byRemainder) {
      if (left <= 0) break
      out[i]++
      left--
    }
  }
  return out
}

/** k patch indices spread uniformly over 0..n-1 (centre of each of k equal strides), ascending, distinct for k ≤ n. */
export function strideIndices(n: number, k: number): Int32Array {
  const out = new Int32Array(k)
  for (let j = 0; j < k; j++) out[j] = Math.floor(((j + 0.5) * n) / k)
  return out
}

/**
 * Assembles a method's output: labels [T*N] name an output token per patch (or -1), tokenFrame [M]
 * and tokenKey [M] order the tokens (by frame, then key, then id) into output order, and
 * `features[m]` gives token m's feature [D] (undefined = mean of its member patches).
 * Every token must own at least one patch. Returns the TokenMap and features [M', D] in output order.
 */
export function assemble(
  video: VideoTokens,
  labels: Int32Array,
  tokenFrame: ArrayLike<number>,
  tokenKey: ArrayLike<number>,
  features?: (Float32Array | undefined)[],
): { map: TokenMap; features: Float32Array } {
  const n = patchCount(video.grid)
  const d = video.dim
  const T = video.tokens.length
  const M = tokenFrame.length
  const order = Array.from({ length: M }, (_, i) => i).sort((p, q) => tokenFrame[p] - tokenFrame[q] || tokenKey[p] - tokenKey[q] || p - q)
  const rank = new Int32Array(M)
  order.forEach((id, r) => (rank[id] = r))
  const groups = new Int32Array(labels.length)
  const sizes = new Float32Array(M)
  const keptFrames = new Uint8Array(T)
  for (let k = 0; k < labels.length; k++) {
    const l = labels[k]
    if (l < 0) {
      groups[k] = PRUNED
      continue
    }
    const g = rank[l]
    groups[k] = g
    sizes[g]++
    keptFrames[Math.floor(k / n)] = 1
  }
  for (let g = 0; g < M; g++) if (sizes[g] === 0) throw new Error(`output token ${order[g]} owns no patch`)
  const out = new Float32Array(M * d)
  const needMean = new Uint8Array(M)
  for (let g = 0; g < M; g++) {
    const f = features?.[order[g]]
    if (f) out.set(f, g * d)
    else needMean[g] = 1
  }
  for (let k = 0; k < labels.length; k++) {
    const g = groups[k]
    if (g < 0 || !needMean[g]) continue
    const x = video.tokens[Math.floor(k / n)]
    const o = (k % n) * d
    for (let c = 0; c < d; c++) out[g * d + c] += x[o + c]
  }
  for (let g = 0; g < M; g++) {
    if (!needMean[g]) continue
    const inv = 1 / sizes[g]
    for (let c = 0; c < d; c++) out[g * d + c] *= inv
  }
  return {
    map: { grid: video.grid, frameCount: T, keptFrames, groups, tokenSizes: sizes, tokenFrame: Int32Array.from(order, (id) => tokenFrame[id]) },
    features: out,
  }
}

/**
 * The standalone run of a frame-selection method: frame t keeps perFrame[t] patches spread uniformly
 * over its raster order (strideIndices), unmerged; the rest are pruned.
 */
export function keepByStride(video: VideoTokens, perFrame: Int32Array): { map: TokenMap; features: Float32Array; tokensOut: number } {
  const n = patchCount(video.grid)
  const T = video.tokens.length
  const labels = new Int32Array(T * n).fill(-1)
  const frames: number[] = []
  const keys: number[] = []
  for (let t = 0; t < T; t++) {
    for (const i of strideIndices(n, Math.min(n, perFrame[t]))) {
      labels[t * n + i] = frames.length
      frames.push(t)
      keys.push(i)
    }
  }
  const { map, features } = assemble(video, labels, frames, keys)
  return { map, features, tokensOut: frames.length }
}

/** Standalone run of a frame-selection method: its allocation, tokens kept by uniform stride. */
export function runAllocated<P extends ParamValues>(
  method: FrameSelectionMethod<P>,
  video: VideoTokens,
  budget: Budget,
  params: P,
  ctx: MethodContext,
): MethodResult {
  const alloc = method.allocate(video, budget, params, ctx)
  const r = keepByStride(video, alloc.perFrame)
  return {
    map: r.map,
    features: r.features,
    report: { budgetTokens: budgetTokens(budget, video.tokens.length * patchCount(video.grid)), tokensOut: r.tokensOut, derived: alloc.derived, notes: alloc.notes },
  }
}
