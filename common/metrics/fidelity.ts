import type { VideoTokens } from '../tokens'
import type { TokenMap } from '../token-map'
import { cosine, l2NormalizeRows, meanRows } from '../tensor/vectors'
import { maxDotPerRow } from '../tensor/max-dot'

/**
 * How well the output tokens stand for the input: all functions take the input video, the
 * method's TokenMap and its output features [M, D] (output-token order).
 *
 * "Stand-in frame": the LLM sees, at the time of frame t, the output tokens placed in frame t
 * (tokenMap.tokenFrame). A frame with none placed in it (dropped by frame selection, or fully
 * merged into an earlier frame by temporal merging) is represented by the nearest frame in time
 * that has some (the earlier one on a tie). Frame fidelity and coverage both use this rule, so a
 * dropped frame scores by how well its neighbour stands for it, and coverage stays
 * O(pruned × kept_in_frame × D).
 */

/** Output tokens grouped by the frame they are placed in (CSR): ids of frame t are ids[start[t] .. start[t+1]). */
export function tokensByFrame(tokenFrame: Int32Array, frameCount: number): { start: Int32Array; ids: Int32Array } {
  const start = new Int32Array(frameCount + 1)
  for (let j = 0; j < tokenFrame.length; j++) start[tokenFrame[j] + 1]++
  for (let t = 0; t < frameCount; t++) start[t + 1] += start[t]
  const fill = start.slice(0, frameCount)
  const ids = new Int32Array(tokenFrame.length)
  for (let j = 0; j < tokenFrame.length; j++) ids[fill[tokenFrame[j]]++] = j
  return { start, ids }
}

/**
 * [T] for each frame, the frame whose output tokens stand for it: itself when some output token is
 * placed in it, else the nearest such frame (earlier on a tie); -1 when the output is empty.
 */
export function standInFrames(tokenFrame: Int32Array, frameCount: number): Int32Array {
  const has = new Uint8Array(frameCount)
  for (let j = 0; j < tokenFrame.length; j++) has[tokenFrame[j]] = 1
  const out = new Int32Array(frameCount).fill(-1)
  let last = -1
  for (let t = 0; t < frameCount; t++) {
    if (has[t]) last = t
    out[t] = last
  }
  let next = -1
  for (let t = frameCount - 1; t >= 0; t--) {
    if (has[t]) next = t
    if (next >= 0 && (out[t] < 0 || next - t < t - out[t])) out[t] = next
  }
  return out
}

/** True when `features` holds one D-vector per output token. */
export const featuresMatch = (video: VideoTokens, map: TokenMap, features: Float32Array | undefined): features is Float32Array =>
  !!features && features.length === map.tokenSizes.length * video.dim

/**
 * Token fidelity: mean, over input patches that were not pruned (group ≥ 0), of the cosine between
 * the patch's original token and the output token it went into. Undefined when every patch was pruned.
 */
export function tokenFidelity(video: VideoTokens, map: TokenMap, features: Float32Array): number | undefined {
  const d = video.dim
  const n = map.grid.h * map.grid.w
  let sum = 0
  let count = 0
  for (let t = 0; t < map.frameCount; t++) {
    const x = video.tokens[t]
    for (let i = 0; i < n; i++) {
      const g = map.groups[t * n + i]
      if (g < 0) continue
      sum += cosine(x, i * d, features, g * d, d)
      count++
    }
  }
  return count ? sum / count : undefined
}

/**
 * [T] frame fidelity per frame: cosine between the frame's mean-pooled input tokens ("before") and
 * the size-weighted mean (weights = tokenSizes) of the output tokens placed in its stand-in frame
 * ("after"; an unweighted mean if those sizes sum to 0). NaN for every frame when the output is empty.
 */
export function frameFidelityPerFrame(video: VideoTokens, map: TokenMap, features: Float32Array): Float32Array {
  const d = video.dim
  const T = map.frameCount
  const { start, ids } = tokensByFrame(map.tokenFrame, T)
  const standIn = standInFrames(map.tokenFrame, T)
  const after = new Map<number, Float32Array>()
  const pooledAt = (s: number) => {
    let v = after.get(s)
    if (v) return v
    v = new Float32Array(d)
    let total = 0
    for (let k = start[s]; k < start[s + 1]; k++) total += map.tokenSizes[ids[k]]
    const count = start[s + 1] - start[s]
    for (let k = start[s]; k < start[s + 1]; k++) {
      const j = ids[k]
      const w = total > 0 ? map.tokenSizes[j] / total : 1 / count
      for (let c = 0; c < d; c++) v[c] += w * features[j * d + c]
    }
    after.set(s, v)
    return v
  }
  const out = new Float32Array(T)
  for (let t = 0; t < T; t++) {
    out[t] = standIn[t] < 0 ? NaN : cosine(meanRows(video.tokens[t], d), 0, pooledAt(standIn[t]), 0, d)
  }
  return out
}

/** Mean of frameFidelityPerFrame over all T frames; undefined when the output is empty. */
export function frameFidelity(video: VideoTokens, map: TokenMap, features: Float32Array): number | undefined {
  const per = frameFidelityPerFrame(video, map, features)
  if (!per.length || Number.isNaN(per[0])) return undefined
  return per.reduce((a, b) => a + b, 0) / per.length
}

/**
 * Coverage: mean, over pruned input patches (group = -1), of the cosine distance (1 - cosine) from
 * the patch's token to the nearest output token placed in its stand-in frame. Lower is better.
 * 0 when nothing was pruned; undefined when the output is empty. Merged (not pruned) patches are
 * scored by tokenFidelity instead. Cost O(pruned × tokens in the stand-in frame × D), as one
 * blocked matrix product per frame (maxDotPerRow: the same sums as pair by pair, ~3× faster).
 */
export function coverage(video: VideoTokens, map: TokenMap, features: Float32Array): number | undefined {
  const d = video.dim
  const n = map.grid.h * map.grid.w
  const T = map.frameCount
  if (!map.tokenSizes.length) return undefined
  const { start, ids } = tokensByFrame(map.tokenFrame, T)
  const standIn = standInFrames(map.tokenFrame, T)
  const out = l2NormalizeRows(features, d)
  const pruned = new Float32Array(n * d)
  const nearest = new Float64Array(n)
  let kept: Float32Array | undefined
  let keptOf = -1
  let sum = 0
  let count = 0
  for (let t = 0; t < T; t++) {
    let p = 0
    let x: Float32Array | undefined
    for (let i = 0; i < n; i++) {
      if (map.groups[t * n + i] >= 0) continue
      x ??= l2NormalizeRows(video.tokens[t], d)
      pruned.set(x.subarray(i * d, i * d + d), p * d)
      p++
    }
    if (!p) continue
    const s = standIn[t]
    if (s !== keptOf) {
      // The stand-in frame's output tokens, gathered into one [k, D] block (consecutive frames share it).
      kept = new Float32Array((start[s + 1] - start[s]) * d)
      for (let k = start[s]; k < start[s + 1]; k++) kept.set(out.subarray(ids[k] * d, ids[k] * d + d), (k - start[s]) * d)
      keptOf = s
    }
    maxDotPerRow(pruned.subarray(0, p * d), kept!, d, nearest)
    for (let i = 0; i < p; i++) sum += 1 - nearest[i]
    count += p
  }
  return count ? sum / count : 0
}
