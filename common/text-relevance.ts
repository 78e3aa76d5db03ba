/**
 * Relevance of frames and patches to a text query: cosine of their embeddings in the model's joint
 * image–text space (VideoTokens.frameEmbeds / patchEmbeds) with the query's unit text embedding.
 * What the timeline's relevance row, the frame view's relevance overlay, `tokenscope relevance`
 * and the prompt-guided methods start from.
 */
import type { VideoTokens } from './tokens'

/** Cosine of each row of `rows` [R, P] with the unit vector q [P] → [R] (zero rows give 0). */
export function cosineToQuery(rows: Float32Array, q: Float32Array, out = new Float32Array(rows.length / q.length)): Float32Array {
  const p = q.length
  for (let r = 0; r < out.length; r++) {
    let s = 0
    let nn = 0
    const o = r * p
    for (let k = 0; k < p; k++) {
      const v = rows[o + k]
      s += v * q[k]
      nn += v * v
    }
    out[r] = nn > 0 ? s / Math.sqrt(nn) : 0
  }
  return out
}

/** [T] relevance of every frame; undefined when the model embeds no frames in a text space. */
export function frameRelevance(video: VideoTokens, q: Float32Array): Float32Array | undefined {
  const e = video.frameEmbeds
  if (!e) return undefined
  const out = new Float32Array(e.length)
  for (let t = 0; t < e.length; t++) out[t] = cosineToQuery(e[t], q)[0]
  return out
}

/** [N] relevance of frame t's patches; undefined when the model embeds no patches in a text space. */
export function patchRelevance(video: VideoTokens, t: number, q: Float32Array): Float32Array | undefined {
  const e = video.patchEmbeds?.[t]
  return e ? cosineToQuery(e, q) : undefined
}
