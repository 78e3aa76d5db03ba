import type { ImportanceKind, TokenGrid, VideoTokens } from '../tokens'
import type { TokenMap } from '../token-map'

/**
 * A budget means the same for every method: the number of output tokens for the whole video,
 * given either as a share of the input tokens (T*N) or as an absolute count.
 */
export type Budget = { ratio: number } | { tokens: number }

export type Family = 'baseline' | 'spatial' | 'temporal' | 'frame-selection' | 'prompt-guided'

export type ParamSpec =
  | { type: 'number' | 'integer'; default: number; min: number; max: number; step?: number; help: string }
  | { type: 'boolean'; default: boolean; help: string }
  | { type: 'enum'; default: string; options: readonly string[]; help: string }

export type ParamSchema = Record<string, ParamSpec>
export type ParamValues = Record<string, number | boolean | string>

/**
 * How a method treats the budget. `exact`: hits it to the token. `grid`: outputs a whole grid per
 * frame (pooling, resizing, DCT), so it takes the largest grid within the budget and reports
 * what it used. `adaptive`: decides by itself (thresholds) and reports what it used.
 */
export type BudgetMode = 'exact' | 'grid' | 'adaptive'

export interface Paper {
  title: string
  authors: string
  venue: string
  url: string
}

export interface MethodNeeds {
  /** Per-patch importance: `required` = real class attention only; `proxy-ok` = a saliency proxy is accepted (and reported). */
  importance?: 'required' | 'proxy-ok'
  /** The model's class / global token. */
  cls?: boolean
  /**
   * A text query and the model's embeddings in its text tower's space (prompt-guided methods):
   * 'frame' = per-frame embeddings (VideoTokens.frameEmbeds), 'patch' = per-patch ones too.
   */
  textQuery?: 'frame' | 'patch'
  /** The method also runs without a query (another mode, said in its notes). */
  queryOptional?: boolean
}

/** A text query, embedded by the video's model's text tower. */
export interface TextQuery {
  text: string
  /** [P] unit length, in the space of VideoTokens.frameEmbeds / patchEmbeds. */
  embedding: Float32Array
  /** The texts the method asked for (Method.prompts), embedded the same way, by text. */
  prompts?: Record<string, Float32Array>
}

export interface MethodContext {
  /** Seed for every random choice; the same seed gives the same result. */
  seed: number
  /** The user's text query, for prompt-guided methods. */
  query?: TextQuery
}

/** What a refusal for want of a text-capable model tells the user to do. */
export const TEXT_MODEL_HINT = "get one with 'tokenscope models pull clip-vit-b16'"


/** What a method reports beside its token map. */
export interface MethodReport {
  /** Tokens the budget asked for. */
  budgetTokens: number
  /** Tokens actually produced (= budgetTokens for `exact` methods). */
  tokensOut: number
  /** Which importance was used, when the method uses one. */
  importanceSource?: ImportanceKind
  /** Values the method chose itself (calibrated thresholds, segment count, …). */
  derived: Record<string, number | string>
  notes: string[]
  /**
   * Sampled-frame indices (ascending) the method names as its keyframes, for methods that pick
   * keyframes explicitly (e.g. keyframes-codec's I-frames). Temporal metrics score these; when
   * absent they score every frame the map keeps.
   */
  keyframes?: number[]
}

export interface MethodResult {
  map: TokenMap
  /** [M × D] the output tokens' features, in output-token order (for metrics and exports). */
  features: Float32Array
  report: MethodReport
}

/** One frame handed to a spatial method. Shapes: tokens [N, D], cls [D], importance [N], frameEmbed [P], patchEmbeds [N, P]. */
export interface FrameInput {
  tokens: Float32Array
  grid: TokenGrid
  dim: number
  cls?: Float32Array
  importance?: Float32Array
  /** The frame in the text tower's space (VideoTokens.frameEmbeds[t]). */
  frameEmbed?: Float32Array
  /** Its patches in the text tower's space (VideoTokens.patchEmbeds[t]). */
  patchEmbeds?: Float32Array
  /** P, the width of frameEmbed and of each patchEmbeds row. */
  embedDim?: number
}

/**
 * One frame compressed: `groups[i]` is the local output token (0..m-1) patch i went into, or -1.
 * Local ids are numbered in output order. features [m, D].
 */
export interface FrameResult {
  groups: Int32Array
  features: Float32Array
  derived?: Record<string, number | string>
}

interface MethodBase<P extends ParamValues> {
  id: string
  name: string
  family: Family
  paper: Paper
  /**
   * One line for the method picker and `tokenscope methods`: what the method does, in plain words.
   * The full description (shapes, the algorithm, every choice the paper leaves open) is the
   * method's doc comment and only there; the summary does not restate it.
   */
  summary: string
  params: ParamSchema
  needs: MethodNeeds
  budgetMode: BudgetMode
  /**
   * Texts besides the query that the method compares frames with (e.g. T*'s object prompts), from
   * the query text and the params: embedded by the caller into ctx.query.prompts.
   */
  prompts?(query: string, params: P): string[]
  /** Runs the whole video (for spatial methods: per frame with the budget split evenly). */
  run(video: VideoTokens, budget: Budget, params: P, ctx: MethodContext): MethodResult
  /** phantom, keeps P */
  readonly _params?: P
}

/** Works one frame at a time; the video-level `run` splits the budget evenly over frames. */
export interface SpatialMethod<P extends ParamValues = ParamValues> extends MethodBase<P> {
  kind: 'spatial'
  /** Compresses one frame to `keep` tokens (exactly, unless budgetMode says otherwise). */
  frame(input: FrameInput, keep: number, params: P, ctx: MethodContext & { frameIndex: number }): FrameResult
}

/**
 * Decides how many tokens each frame gets (0 drops it). Can lead a composition
 * (`scene-segments+tome`): the allocation covers the whole budget, the spatial stage then picks
 * tokens within each frame.
 */
export interface FrameSelectionMethod<P extends ParamValues = ParamValues> extends MethodBase<P> {
  kind: 'frame-selection'
  /** [T] tokens per frame, each in [0, N], summing to the budget (or less, and reported, for adaptive methods). */
  allocate(video: VideoTokens, budget: Budget, params: P, ctx: MethodContext): { perFrame: Int32Array; derived: Record<string, number | string>; notes: string[] }
}

/** Works across frames (temporal merging, segment pooling, …). */
export interface VideoMethod<P extends ParamValues = ParamValues> extends MethodBase<P> {
  kind: 'video'
}

export type Method = SpatialMethod | FrameSelectionMethod | VideoMethod

/** Thrown when a method cannot run on this input (missing class attention, no text query, bad params). */
export class MethodInputError extends Error {
  override name = 'MethodInputError'
}

/** JSON description of a method, for listing in the CLI and the UI. */
export interface MethodInfo {
  id: string
  name: string
  family: Family
  kind: Method['kind']
  paper: Paper
  summary: string
  params: ParamSchema
  needs: MethodNeeds
  budgetMode: BudgetMode
}

export function describeMethod(m: Method): MethodInfo {
  const { id, name, family, kind, paper, summary, params, needs, budgetMode } = m
  return { id, name, family, kind, paper, summary, params, needs, budgetMode }
}
