/**
 * `tokens:relevance` and `tokens:patch-relevance`: how relevant an open video's frames and patches
 * are to a text query (common/text-relevance.ts), with the query embedded by the video's model.
 */
import type { QueryRelevance } from '../../common/ipc/contract'
import { TEXT_MODEL_HINT } from '../../common/compression/types'
import { frameRelevance, patchRelevance } from '../../common/text-relevance'
import type { QueryEmbedder } from '../text/text-client'
import { AppError } from './errors'
import type { OpenVideo, OpenVideos } from './open-videos'

/** The query's embedding for the video's model; an AppError naming the model when it has no text space. */
async function queryEmbedding(embedder: QueryEmbedder, v: OpenVideo, query: string) {
  const m = v.model
  if (!m.text || !m.outputs.frameEmbeds) throw new AppError('no-text-model', `Model ${m.id} has no text tower, so frames cannot be scored against a query; ${TEXT_MODEL_HINT}`)
  return (await embedder.embed(m, [query]))[0]
}

export async function queryRelevance(videos: OpenVideos, embedder: QueryEmbedder, videoKey: string, query: string): Promise<QueryRelevance> {
  const v = videos.get(videoKey)
  const q = await queryEmbedding(embedder, v, query)
  const video = await videos.tokensOf(v)
  return { perFrame: frameRelevance(video, q.embedding) ?? new Float32Array(video.tokens.length), hasPatches: Boolean(video.patchEmbeds), truncated: q.truncated }
}

export async function queryPatchRelevance(videos: OpenVideos, embedder: QueryEmbedder, videoKey: string, query: string, frame: number): Promise<Float32Array | null> {
  const v = videos.get(videoKey)
  const video = await videos.tokensOf(v)
  if (frame >= video.tokens.length) throw new AppError('bad-request', `frame ${frame} is out of range (the video has ${video.tokens.length} encoded frames)`)
  if (!video.patchEmbeds) return null
  return patchRelevance(video, frame, (await queryEmbedding(embedder, v, query)).embedding) ?? null
}
