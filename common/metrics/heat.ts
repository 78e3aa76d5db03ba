import type { VideoTokens } from '../tokens'
import { cosine, meanRows } from '../tensor/vectors'

/** Per-frame rows for the timeline's heat strips, each [T] (a method's own row is frameShare in token-map.ts). */

/** 1 − cosine(mean token of frame t, mean token of frame t−1); 0 for the first frame (nothing to compare). */
export function frameNovelty(video: VideoTokens): Float32Array {
  const d = video.dim
  const out = new Float32Array(video.tokens.length)
  let prev: Float32Array | undefined
  video.tokens.forEach((x, t) => {
    const mean = meanRows(x, d)
    if (prev) out[t] = 1 - cosine(mean, 0, prev, 0, d)
    prev = mean
  })
  return out
}

/**
 * How peaked a frame's importance map is: 1 − H(a)/ln N, where a is the importance normalised to
 * sum 1 and H its entropy (natural log). 0 = spread evenly over all N patches, 1 = all on one patch.
 * Undefined when the model provides no importance.
 */
export function importanceConcentration(video: VideoTokens): Float32Array | undefined {
  if (!video.importance) return undefined
  return Float32Array.from(video.importance, (a) => {
    const n = a.length
    if (n <= 1) return 0
    let total = 0
    for (let i = 0; i < n; i++) total += a[i]
    if (!(total > 0)) return 0
    let h = 0
    for (let i = 0; i < n; i++) {
      const p = a[i] / total
      if (p > 0) h -= p * Math.log(p)
    }
    return 1 - h / Math.log(n)
  })
}
