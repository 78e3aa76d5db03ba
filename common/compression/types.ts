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
  /** The method also runs without a query (another mode, said in its report). */
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

/**
 * The budget resolved once for one video (plan.ts planVideo), before any method code runs: the
 * integers every method receives instead of a Budget. Plain data; it crosses to the workers as is.
 */
export interface VideoPlan {
  /** N, patches per frame (h·w). */
  n: number
  /** T, sampled frames. */
  frames: number
  /** Output tokens for the whole video: round(ratio·T·N), or the absolute count, within [1, T·N]. */
  tokens: number
}

/**
 * What a frame-selection stage decided, as plain data: how many tokens each frame keeps. The
 * per-frame stage (a spatial method in a composition, or evenly strided patches when the method
 * runs on its own) then picks that many tokens in each frame.
 */
export interface Allocation {
  /** [T] tokens per frame, each in [0, N]; 0 drops the frame. */
  perFrame: Int32Array
  /**
   * [T] for a dropped frame merged into a kept one (a near-duplicate): that kept frame, else -1.
   * Run on its own, each kept token then also takes the patch at its position in the merged
   * frames (the token is their mean); in a composition merged frames are simply dropped.
   */
  mergedInto?: Int32Array
  /** Frames the method names as its keyframes (ascending), when it picks them explicitly (MethodReport.keyframes). */
  keyframes?: number[]
  derived: Record<string, number | string>
  notes: string[]
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
 * Budget-independent work a method prepared (per frame, or per video), as plain data: typed arrays
 * and numbers only, so the engine can pack it, keep it per video and model, and share it with
 * workers. A budget change then starts from it instead of the tokens.
 */
export type Prepared = Record<string, Int32Array | Uint16Array | Uint8Array | Float32Array | Float64Array | number>

/** The run's context plus the index of the frame being compressed (per-frame seeds derive from it). */
export type FrameContext = MethodContext & { frameIndex: number }

/**
 * One frame compressed: `groups[i]` is the local output token (0..m-1) patch i went into, or -1.
 * Local ids are numbered in output order. features [m, D].
 */
export interface FrameResult {
  groups: Int32Array
  features: Float32Array
  derived?: Record<string, number | string>
}

/** What method code returns for the whole video; the engine adds budgetTokens and importanceSource. */
export type VideoOutput = Omit<MethodResult, 'report'> & { report: Omit<MethodReport, 'budgetTokens' | 'importanceSource'> }

/** What every method describes about itself, once. */
export interface MethodInfoFields {
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
}

interface MethodBase<P extends ParamValues> extends MethodInfoFields {
  /**
   * Texts besides the query that the method compares frames with (e.g. T*'s object prompts), from
   * the query text and the params: embedded by the caller into ctx.query.prompts.
   */
  prompts?(query: string, params: P): string[]
  /**
   * The whole video under a Budget: the engine's entry point (runner.ts runPlanned), the same
   * as runMethod(id, …) with resolved params. Added by define.ts; never written by a method.
   */
  run(video: VideoTokens, budget: Budget, params: P, ctx: MethodContext): MethodResult
  /** phantom, keeps P */
  readonly _params?: P
}

/** Works one frame at a time: the engine hands it each frame and that frame's token count. */
export interface SpatialMethod<P extends ParamValues = ParamValues> extends MethodBase<P> {
  kind: 'spatial'
  /** Compresses one frame to `keep` tokens (exactly, unless budgetMode says otherwise). */
  frame(input: FrameInput, keep: number, params: P, ctx: FrameContext): FrameResult
  /**
   * The frame's budget-independent work (rankings, merge orders, neighbour orders), for a method
   * whose labels for any keep follow from it. With `groups`, frame() is
   * output(input, groups(prepare(input), keep)) (define.ts), and a budget change recomputes only
   * `groups`, from prepared data the engine keeps, for the token map.
   */
  prepare?(input: FrameInput, params: P, ctx: FrameContext): Prepared
  /** With prepare: the frame's labels [N] for `keep` tokens, from its prepared data alone (no tokens): each a patch index 0..N-1 naming the patch's group (patches sharing a label merge), or -1 = pruned. */
  groups?(prepared: Prepared, keep: number, params: P): { labels: Int32Array; derived?: Record<string, number | string> }
  /** With prepare: the frame's output tokens from its labels (default: each token the mean of the patches sharing its label). */
  output?(input: FrameInput, labels: Int32Array, params: P): FrameResult
  /**
   * For a method whose frames are decided together (dtome's calibration: the frames are DyMU's
   * batch): every frame's result from the whole video and the plan's token total, and the
   * report's derived values; undefined to run frame() per frame. Used when the method runs on its
   * own; in a composition each frame is compressed by frame() to the count allocated to it.
   */
  jointFrames?(video: VideoTokens, plan: VideoPlan, params: P, ctx: MethodContext): { frames: FrameResult[]; derived: Record<string, number | string> } | undefined
}

/**
 * Decides how many tokens each frame gets (0 drops it). Can lead a composition
 * (`scene-segments+tome`): the allocation covers the whole budget, the spatial stage then picks
 * tokens within each frame.
 */
export interface FrameSelectionMethod<P extends ParamValues = ParamValues> extends MethodBase<P> {
  kind: 'frame-selection'
  /**
   * Optional: the budget-independent work on the whole video (global frame features, scene cuts,
   * keyframes, rankings), as plain data the engine keeps per video and model; allocate() then
   * reads the video only through it, so a budget change needs no tokens.
   */
  prepare?(video: VideoTokens, params: P, ctx: MethodContext): Prepared
  /**
   * [T] tokens per frame, each in [0, N], summing to plan.tokens (or less, and reported, for
   * adaptive methods). `prepared` is prepare()'s result (computed here when not given).
   */
  allocate(video: VideoTokens, plan: VideoPlan, params: P, ctx: MethodContext, prepared?: Prepared): Allocation
}

/** Works across frames (temporal merging, segment pooling, …): the whole video and the plan's token total in, the result out. */
export interface VideoMethod<P extends ParamValues = ParamValues> extends MethodBase<P> {
  kind: 'video'
  apply(video: VideoTokens, plan: VideoPlan, params: P, ctx: MethodContext): VideoOutput
}

export type Method = SpatialMethod | FrameSelectionMethod | VideoMethod

/** Thrown when a method cannot run on this input (missing class attention, no text query, bad params). */
export class MethodInputError extends Error {
  override name = 'MethodInputError'
}

/** JSON description of a method, for listing in the CLI and the UI. */
export type MethodInfo = MethodInfoFields & { kind: Method['kind'] }

export function describeMethod(m: Method): MethodInfo {
  const { id, name, family, kind, paper, summary, params, needs, budgetMode } = m
  return { id, name, family, kind, paper, summary, params, needs, budgetMode }
}
