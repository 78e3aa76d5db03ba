import type { VideoTokens } from '../tokens'
import { patchCount } from '../tokens'
import { tokenMapFromLabels } from '../token-map'
import { splitEvenly, videoBudget } from './allocation'
import {
  type Budget,
  type FrameInput,
  type Method,
  MethodInputError,
  type MethodContext,
  type MethodResult,
  type ParamValues,
  type SpatialMethod,
  TEXT_MODEL_HINT,
} from './types'
import type { ImportanceKind } from '../tokens'

/** Frame t of `video` as a spatial method sees it. */
export function frameInput(video: VideoTokens, t: number): FrameInput {
  return {
    tokens: video.tokens[t],
    grid: video.grid,
    dim: video.dim,
    cls: video.cls?.[t],
    importance: video.importance?.[t],
    frameEmbed: video.frameEmbeds?.[t],
    patchEmbeds: video.patchEmbeds?.[t],
    embedDim: video.embedDim,
  }
}

/**
 * Checks the model gives what `method` needs, and says which importance it will use.
 * Never falls back silently: a method that needs real class attention refuses a proxy.
 */
export function checkNeeds(method: Method, video: VideoTokens, ctx: MethodContext): ImportanceKind | undefined {
  const need = method.needs.importance
  if (need) {
    if (!video.importance || !video.importanceKind) {
      throw new MethodInputError(`${method.id} needs class attention, and model ${video.modelId} provides none`)
    }
    if (need === 'required' && video.importanceKind !== 'cls-attention') {
      throw new MethodInputError(
        `${method.id} needs real class-token attention; model ${video.modelId} only provides a ${video.importanceKind}`,
      )
    }
  }
  if (method.needs.cls && !video.cls) {
    throw new MethodInputError(`${method.id} needs a class token, and model ${video.modelId} has none`)
  }
  checkTextNeeds(method, video, ctx)
  return need ? video.importanceKind : undefined
}

/**
 * A prompt-guided method needs the model's embeddings in its text space (per frame, or per patch
 * too) and a query; the refusal names what is missing and how to get it.
 */
export function checkTextNeeds(method: Pick<Method, 'id' | 'needs'>, video: VideoTokens, ctx: MethodContext): void {
  const level = method.needs.textQuery
  if (!level || (method.needs.queryOptional && !ctx.query)) return
  if (!video.frameEmbeds) {
    throw new MethodInputError(`${method.id} needs a model with a text tower, and model ${video.modelId} has none (no image embeddings in a text space); ${TEXT_MODEL_HINT}`)
  }
  if (level === 'patch' && !video.patchEmbeds) {
    throw new MethodInputError(`${method.id} needs per-patch text relevance, and model ${video.modelId} embeds only whole frames in its text space; ${TEXT_MODEL_HINT}`)
  }
  if (!ctx.query) throw new MethodInputError(`${method.id} needs a text query: give one with --query TEXT (or in the query box)`)
  if (ctx.query.embedding.length !== video.embedDim) {
    throw new MethodInputError(`${method.id}: the query embedding has ${ctx.query.embedding.length} dims, model ${video.modelId}'s text space ${video.embedDim}`)
  }
}

/**
 * Runs a spatial method over the video with per-frame budgets `perFrame` ([T], 0 drops the frame)
 * and assembles the video's TokenMap and output features.
 */
export function runPerFrame<P extends ParamValues>(
  method: SpatialMethod<P>,
  video: VideoTokens,
  perFrame: Int32Array,
  params: P,
  ctx: MethodContext,
): { labels: Int32Array; features: Float32Array; tokensOut: number; derived: Record<string, number | string>[] } {
  const n = patchCount(video.grid)
  const d = video.dim
  const T = video.tokens.length
  const labels = new Int32Array(T * n).fill(-1)
  const chunks: Float32Array[] = []
  const derived: Record<string, number | string>[] = []
  let next = 0
  for (let t = 0; t < T; t++) {
    if (perFrame[t] <= 0) continue
    const r = method.frame(frameInput(video, t), perFrame[t], params, { ...ctx, frameIndex: t })
    const m = r.features.length / d
    for (let i = 0; i < n; i++) labels[t * n + i] = r.groups[i] < 0 ? -1 : next + r.groups[i]
    next += m
    chunks.push(r.features)
    if (r.derived) derived.push(r.derived)
  }
  const features = new Float32Array(next * d)
  let off = 0
  for (const c of chunks) {
    features.set(c, off)
    off += c.length
  }
  return { labels, features, tokensOut: next, derived }
}

/** The video-level run of a spatial method: the budget split evenly over all frames. */
export function runSpatial<P extends ParamValues>(
  method: SpatialMethod<P>,
  video: VideoTokens,
  budget: Budget,
  params: P,
  ctx: MethodContext,
  perFrame?: Int32Array,
): MethodResult {
  const importanceSource = checkNeeds(method, video, ctx)
  const { n, T, want } = videoBudget(video, budget)
  const alloc = perFrame ?? splitEvenly(want, T, n)
  const r = runPerFrame(method, video, alloc, params, ctx)
  const { map, labelOf } = tokenMapFromLabels(video.grid, T, r.labels)
  // features are in frame() id order; the map numbers tokens by first patch. They must agree.
  if (labelOf.length !== r.tokensOut || labelOf.some((label, id) => label !== id)) {
    throw new Error(`${method.id}: frame() must number output tokens in raster order of their first patch, each with at least one patch`)
  }
  return {
    map,
    features: r.features,
    report: { budgetTokens: want, tokensOut: r.tokensOut, importanceSource, derived: summarizeDerived(r.derived), notes: [] },
  }
}

/** Averages numeric per-frame derived values (e.g. calibrated thresholds) into one record. */
export function summarizeDerived(perFrame: Record<string, number | string>[]): Record<string, number | string> {
  const out: Record<string, number | string> = {}
  if (!perFrame.length) return out
  for (const key of Object.keys(perFrame[0])) {
    const vals = perFrame.map((r) => r[key])
    out[key] = typeof vals[0] === 'number' ? (vals as number[]).reduce((a, b) => a + b, 0) / vals.length : String(vals[0])
  }
  return out
}
