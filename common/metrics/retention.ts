import type { ImportanceKind, VideoTokens } from '../tokens'
import type { TokenMap } from '../token-map'
import { cosineToQuery } from '../text-relevance'

/**
 * Importance mass retained: Σ over frames of the importance of patches that were not pruned
 * (kept or merged), divided by T. Importance sums to 1 per frame, so this lies in [0, 1] and is the
 * mean per-frame share kept. `kind` says whether it is real class attention or a saliency proxy.
 * Undefined when the model provides no importance.
 */
export function importanceRetained(video: VideoTokens, map: TokenMap): { value: number; kind: ImportanceKind } | undefined {
  if (!video.importance || !video.importanceKind) return undefined
  const n = map.grid.h * map.grid.w
  let sum = 0
  for (let t = 0; t < map.frameCount; t++) {
    const a = video.importance[t]
    for (let i = 0; i < n; i++) if (map.groups[t * n + i] >= 0) sum += a[i]
  }
  return { value: map.frameCount ? sum / map.frameCount : 0, kind: video.importanceKind }
}

/** CLIP's logit scale is 100, i.e. a softmax temperature of 0.01 on cosine similarities. */
export const DEFAULT_QUERY_TEMPERATURE = 0.01

/**
 * [T*N] query relevance of every input patch: softmax over all patches of the video of
 * cosine(patch embedding, query) / temperature, in the model's joint image–text space
 * (VideoTokens.patchEmbeds). With frame embeddings only, each frame's softmax weight over frames is
 * shared equally by its N patches. Sums to 1 over the video; undefined without text-space embeddings.
 */
export function queryRelevance(video: VideoTokens, query: Float32Array, temperature = DEFAULT_QUERY_TEMPERATURE): Float64Array | undefined {
  const n = video.grid.h * video.grid.w
  const T = video.tokens.length
  const perPatch = !!video.patchEmbeds
  if (!perPatch && !video.frameEmbeds) return undefined
  const logits = new Float64Array(T * n)
  let max = -Infinity
  for (let t = 0; t < T; t++) {
    const cos = perPatch ? cosineToQuery(video.patchEmbeds![t], query) : cosineToQuery(video.frameEmbeds![t], query)
    for (let i = 0; i < n; i++) {
      const l = cos[perPatch ? i : 0] / temperature
      logits[t * n + i] = l
      if (l > max) max = l
    }
  }
  let total = 0
  for (let k = 0; k < logits.length; k++) total += logits[k] = Math.exp(logits[k] - max)
  for (let k = 0; k < logits.length; k++) logits[k] /= total
  return logits
}

/**
 * Query relevance retained: the share of the video's query relevance (queryRelevance above) that
 * sits on patches that were not pruned (kept or merged into an output token). In [0, 1].
 */
export function queryRelevanceRetained(video: VideoTokens, map: TokenMap, query: Float32Array, temperature = DEFAULT_QUERY_TEMPERATURE): number | undefined {
  const rel = queryRelevance(video, query, temperature)
  if (!rel) return undefined
  let sum = 0
  for (let k = 0; k < rel.length; k++) if (map.groups[k] >= 0) sum += rel[k]
  return sum
}
