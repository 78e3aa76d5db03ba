/** `tokenscope relevance <video> --query TEXT`: the frames most relevant to a text query, with their scores. */
import { TEXT_MODEL_HINT } from '../../common/compression/types'
import { topK } from '../../common/tensor/top-k'
import { frameRelevance } from '../../common/text-relevance'
import { tokensLine } from '../encoder/provides'
import { defaultCacheDir } from '../settings'
import { createQueryEmbedder } from '../text/text-client'
import type { CommandContext } from './context'
import { UsageError } from './errors'
import { formatDuration, table } from './format'
import { tokensFor } from './methods'

export async function relevanceCommand(ctx: CommandContext): Promise<void> {
  const query = ctx.values.query as string | undefined
  if (!query?.trim()) throw new UsageError('which query? --query TEXT')
  const top = ctx.values.top === undefined ? 10 : Number(ctx.values.top)
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top takes a positive integer, got '${String(ctx.values.top)}'`)
  const { video, model } = await tokensFor(ctx)
  if (!model.text || !video.frameEmbeds) throw new UsageError(`model ${model.id} has no text tower, so frames cannot be scored against a query; ${TEXT_MODEL_HINT}`)
  const embedder = createQueryEmbedder((ctx.values.cache as string | undefined) ?? defaultCacheDir())
  let embedded
  try {
    ;[embedded] = await embedder.embed(model, [query])
  } finally {
    await embedder.close()
  }
  const started = performance.now()
  const scores = frameRelevance(video, embedded.embedding)!
  const best = Array.from(topK(scores, top))
  const elapsedMs = performance.now() - started
  const frames = best.map((t) => ({ frame: t, pts: video.pts[t], score: scores[t] }))
  ctx.out({ query, model: model.id, tokens: tokensLine(model), truncatedTokens: embedded.truncated, frames, scores, elapsedMs }, () =>
    [
      `"${query}" against ${video.tokens.length} frames (cosine of the frame and query embeddings, ${model.id})${embedded.truncated ? `; the query was cut by ${embedded.truncated} tokens at the text tower's context length` : ''}`,
      '',
      table(['rank', 'frame', 'time', 'pts (s)', 'score'], frames.map((f, i) => [i + 1, f.frame, formatDuration(f.pts), f.pts.toFixed(3), f.score.toFixed(4)])),
    ].join('\n'),
  )
}
