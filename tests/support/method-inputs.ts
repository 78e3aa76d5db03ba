/** Small builders of compression-method inputs for the method tests. */
import type { ImportanceKind, VideoTokens } from '../../common/tokens'
import type { FrameInput, Method, ParamValues, TextQuery } from '../../common/compression/types'
import { l2NormalizeRows } from '../../common/tensor/vectors'
import { createRng } from '../../common/tensor/rng'

/** A frame from rows of features: rows[i] is patch i's token. */
export function frameOf(h: number, w: number, rows: number[][], importance?: number[]): FrameInput {
  const d = rows[0].length
  return {
    tokens: Float32Array.from(rows.flat()),
    grid: { h, w },
    dim: d,
    importance: importance ? Float32Array.from(importance) : undefined,
  }
}

/** Seeded random video: T frames of an h × w grid, width D, importance summing to 1 per frame. */
export function randomVideo(T: number, h: number, w: number, d: number, seed: number, kind: ImportanceKind = 'saliency-proxy'): VideoTokens {
  const rand = createRng(seed)
  const n = h * w
  return {
    modelId: 'random',
    grid: { h, w },
    dim: d,
    pts: Float64Array.from({ length: T }, (_, t) => t / 2),
    tokens: Array.from({ length: T }, () => Float32Array.from({ length: n * d }, () => rand() * 2 - 1)),
    cls: Array.from({ length: T }, () => Float32Array.from({ length: d }, () => rand() * 2 - 1)),
    importance: Array.from({ length: T }, () => {
      const a = Float32Array.from({ length: n }, () => rand() ** 4)
      const sum = a.reduce((x, y) => x + y, 0)
      return a.map((v) => v / sum)
    }),
    importanceKind: kind,
  }
}

export const ctx0 = { seed: 7, frameIndex: 0 }

/** A video from explicit frames [T] × [N*D]; importance favours low patch indices (a saliency proxy); cls optional. */
export function videoOf(frames: Float32Array[], h: number, w: number, d: number, cls?: Float32Array[]): VideoTokens {
  const n = h * w
  const imp = Float32Array.from({ length: n }, (_, i) => (n - i) / ((n * (n + 1)) / 2))
  return {
    modelId: 'test',
    grid: { h, w },
    dim: d,
    pts: Float64Array.from(frames, (_, t) => t),
    tokens: frames,
    cls,
    importance: frames.map(() => imp),
    importanceKind: 'saliency-proxy',
  }
}

/** `video` with random text-space embeddings of width P: frameEmbeds [T][P], patchEmbeds [T][N·P]. */
export function withTextSpace(video: VideoTokens, p: number, seed: number): VideoTokens {
  const rand = createRng(seed)
  const n = video.grid.h * video.grid.w
  const vec = (len: number) => Float32Array.from({ length: len }, () => rand() * 2 - 1)
  return { ...video, embedDim: p, frameEmbeds: video.tokens.map(() => vec(p)), patchEmbeds: video.tokens.map(() => vec(n * p)) }
}

/** A unit vector of width p, the same for the same text. */
export function textEmbedding(text: string, p: number): Float32Array {
  let h = 2166136261
  for (const c of text) h = Math.imul(h ^ c.codePointAt(0)!, 16777619)
  const rand = createRng(h >>> 0)
  return l2NormalizeRows(Float32Array.from({ length: p }, () => rand() * 2 - 1), p)
}

/** The query as the app hands it to `method`: its embedding and those of the method's prompts. */
export function queryFor(method: Pick<Method, 'prompts'>, text: string, p: number, params: ParamValues = {}): TextQuery {
  const prompts = method.prompts?.(text, params as never) ?? []
  return { text, embedding: textEmbedding(text, p), prompts: Object.fromEntries(prompts.map((t) => [t, textEmbedding(t, p)])) }
}
