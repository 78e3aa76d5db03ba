/**
 * Building blocks of per-frame results, for every method that works one frame at a time (spatial,
 * baselines, the stand-in stage of a frame-selection run).
 *
 * The runner's contract (runner.ts assembleRun + token-map.ts tokenMapFromLabels): a
 * FrameResult numbers its output tokens in order of first appearance in raster order, and its
 * features follow that numbering. Every helper here returns results in that canonical order, so
 * methods never have to think about it.
 */
import { canonicalGroups } from '../token-map'
import type { FrameResult } from './types'
import { groupMeans } from '../tensor/vectors'

/** A frame whose output tokens are the plain means of the patches sharing a label. tokens [N, D], labels [N]. */
export function meanMergeResult(tokens: Float32Array, d: number, labels: ArrayLike<number>, weights?: Float32Array): FrameResult {
  const { groups, m } = canonicalGroups(labels)
  return { groups, features: groupMeans(tokens, d, groups, m, weights) }
}

/**
 * A frame whose output tokens carry given features: `labelFeatures(label, out, offset)` writes the
 * feature of the token with that label. Used when the output is not a plain mean (DCT, PruMerge).
 */
export function labelledResult(
  labels: ArrayLike<number>,
  d: number,
  labelFeatures: (label: number, out: Float32Array, offset: number) => void,
): FrameResult {
  const { groups, m, firstLabel } = canonicalGroups(labels)
  const features = new Float32Array(m * d)
  for (let g = 0; g < m; g++) labelFeatures(firstLabel[g], features, g * d)
  return { groups, features }
}

/** Labels [N] keeping the first `keep` patches of `order` (a ranking of the N patches) as singleton groups, the rest pruned. */
export function prefixLabels(order: ArrayLike<number>, keep: number): Int32Array {
  const labels = new Int32Array(order.length).fill(-1)
  for (let j = 0; j < Math.min(keep, order.length); j++) labels[order[j]] = order[j]
  return labels
}

/** Keeps the patches `kept` (any order, distinct) unchanged, in raster order. tokens [N, D] → [k, D]. */
export function keepPatches(tokens: Float32Array, d: number, n: number, kept: ArrayLike<number>): FrameResult {
  const mask = new Uint8Array(n)
  for (let j = 0; j < kept.length; j++) mask[kept[j]] = 1
  const groups = new Int32Array(n).fill(-1)
  const features = new Float32Array(kept.length * d)
  let m = 0
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue
    groups[i] = m
    features.set(tokens.subarray(i * d, (i + 1) * d), m * d)
    m++
  }
  return { groups, features }
}

/**
 * Keeps the patches `kept` of frames[0], each averaged with the same patch of the other frames
 * (near-duplicates merged into it), in raster order. frames: F × tokens [N, D] → [k, D]. The sum
 * runs in float32 in frame order, then scales by 1/F, as a TokenMap's mean of its members does.
 */
export function keepMergedPatches(frames: Float32Array[], d: number, n: number, kept: ArrayLike<number>): FrameResult {
  const r = keepPatches(frames[0], d, n, kept)
  const inv = 1 / frames.length
  for (let i = 0; i < n; i++) {
    const g = r.groups[i]
    if (g < 0) continue
    const out = r.features.subarray(g * d, g * d + d)
    for (let f = 1; f < frames.length; f++) for (let c = 0; c < d; c++) out[c] += frames[f][i * d + c]
    for (let c = 0; c < d; c++) out[c] *= inv
  }
  return r
}

/**
 * The output grid for a per-frame budget of `keep` tokens on an h × w grid: the largest uniform
 * scale f for which oh = clamp(round(f·h), 1, h), ow = clamp(round(f·w), 1, w) gives oh·ow ≤ keep
 * (f tried over the values a/h and b/w). Square grids give k × k with k = floor(√keep); a 1 × w
 * strip gives 1 × min(w, keep).
 */
export function fitGrid(h: number, w: number, keep: number): { oh: number; ow: number } {
  const scales = new Set<number>()
  for (let a = 1; a <= h; a++) scales.add(a / h)
  for (let b = 1; b <= w; b++) scales.add(b / w)
  const size = (f: number, dim: number) => Math.min(dim, Math.max(1, Math.round(f * dim)))
  for (const f of [...scales].sort((x, y) => y - x)) {
    const oh = size(f, h)
    const ow = size(f, w)
    if (oh * ow <= keep) return { oh, ow }
  }
  return { oh: 1, ow: 1 }
}

/** The output cell along one axis whose span covers the centre of input cell i (in → out cells). */
export const coveringCell = (i: number, inSize: number, outSize: number): number =>
  Math.min(outSize - 1, Math.floor(((i + 0.5) * outSize) / inSize))

/** Labels [h*w] mapping every patch to the output cell (oh × ow grid, raster id) covering its centre. */
export function coveringCellLabels(h: number, w: number, oh: number, ow: number): Int32Array {
  const labels = new Int32Array(h * w)
  for (let y = 0; y < h; y++) {
    const cy = coveringCell(y, h, oh)
    for (let x = 0; x < w; x++) labels[y * w + x] = cy * ow + coveringCell(x, w, ow)
  }
  return labels
}

/** A per-frame seed derived from the run's seed, so frames get independent but reproducible streams. */
export const frameSeed = (seed: number, frameIndex: number): number =>
  (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(frameIndex + 1, 0x85ebca6b)) >>> 0
