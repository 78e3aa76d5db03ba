/**
 * The one contract between the UI and the services, defined once here and implemented in
 * main/ (Electron IPC handlers and the browser-mode WebSocket host carry the same calls).
 *
 * Every request is `channel → (payload) → response`; every payload is validated in main/ against
 * `requestSchemas` (schema.ts) before a handler sees it. Big numeric data crosses as typed arrays
 * or ArrayBuffers (structured clone in Electron, binary frames over WebSocket, see wire.ts), never
 * as JSON arrays of numbers.
 */
import type { ImportanceKind, TokenGrid } from '../tokens'
import type { Budget, MethodInfo, MethodReport, ParamValues } from '../compression/types'
import type { Sampling, VideoInfo } from '../video'
import type { ExecutionProvider, ProviderChoice } from '../providers'
import type { AnnotationProject } from '../annotations/model'
import type { AnnotationOp } from '../annotations/ops'

export interface BinaryInfo {
  path: string
  source: string
  version: string
  /** Why this build was chosen: the setting, or the newest of the candidates found. */
  reason: string
}

export interface AppInfo {
  version: string
  shell: 'electron' | 'browser'
  ffmpeg?: BinaryInfo
  ffprobe?: BinaryInfo
  /** Execution providers onnxruntime offers here, in the order 'auto' tries them. */
  providers: ExecutionProvider[]
  cacheDir: string
  modelsDirs: string[]
}

export interface ModelInfo {
  id: string
  name: string
  /** What the model is, in plain words (e.g. "not a learned model: a fixed DCT of each patch"). */
  description: string
  licence: string
  builtIn: boolean
  grid: TokenGrid
  dim: number
  hasClassToken: boolean
  importanceKind?: ImportanceKind
  hasTextEncoder: boolean
  /** Per-frame and per-patch embeddings in the text tower's space (what text relevance is computed on). */
  textRelevance?: 'frame' | 'frame-and-patch'
  /** Which tokens every result on this model is computed on, in one line. */
  tokens: string
  /** Set when the manifest or its files are unusable; the UI shows it and disables the model. */
  error?: string
}

/** A model `tokenscope models pull` (and the model picker's "get a real model") can download. */
export interface PullableModel {
  id: string
  name: string
  description: string
  licence: string
  /** Approximate download size. */
  bytes: number
  installed: boolean
}

export const PULL_PHASES = ['resolving', 'downloading', 'verifying', 'editing', 'checking', 'done', 'error'] as const

export type PullPhase = (typeof PULL_PHASES)[number]

/** Pushed as the `models:pull-progress` event while a model downloads (and printed by the CLI). */
export interface PullProgress {
  modelId: string
  phase: PullPhase
  /** The file being downloaded or verified. */
  file?: string
  bytesDone: number
  /** All files' bytes (0 until known). */
  bytesTotal: number
  bytesPerSecond: number
  /** -1: unknown. */
  etaSeconds: number
  message?: string
}

export interface AnalyzeRequest {
  path: string
  modelId: string
  sampling: Sampling
  provider?: ProviderChoice
}

export const ANALYSIS_PHASES = ['probing', 'quick-look', 'encoding', 'done', 'cancelled', 'error'] as const

export type AnalysisPhase = (typeof ANALYSIS_PHASES)[number]

/** Pushed as the `analysis:progress` event while a job runs. */
export interface AnalysisProgress {
  jobId: string
  videoKey: string
  phase: AnalysisPhase
  framesDone: number
  framesTotal: number
  framesPerSecond: number
  etaSeconds: number
  provider?: string
  resumed?: boolean
  message?: string
}

/** A video opened with a model and sampling: the key to its token cache. */
export interface VideoSession {
  videoKey: string
  jobId: string
  info: VideoInfo
  modelId: string
  sampling: Sampling
  grid: TokenGrid
  dim: number
  importanceKind?: ImportanceKind
  /** Frames already in the cache (the whole video when `complete`). */
  framesReady: number
  framesTotal: number
  complete: boolean
}

/** Per-frame signals of the encoded frames [T], for the timeline's heat rows. */
export interface FrameSignals {
  pts: Float64Array
  /** 1 - cosine(mean token of frame t, of frame t-1); 0 for the first frame. */
  novelty: Float32Array
  /** How concentrated the importance map is (0 = flat, 1 = one patch); zeros without importance. */
  concentration: Float32Array
}

/**
 * Fast overview from the video's keyframes (I-frames), before/while the full analysis runs: their
 * times at once (from the packets, no decoding), then their thumbnails streamed as
 * `quicklook:frames` events tagged with `id`. A new quick look (or closing) cancels the last one.
 */
export interface QuickLook {
  keyframePts: Float64Array
  /** Tags the `quicklook:frames` batches of this quick look. */
  id: string
}

/**
 * One batch of keyframe thumbnails, pushed as `quicklook:frames` in decode order (the first within
 * a second or two even for hour-long videos). Thumbnails keep the display aspect, width ≤ 96 px.
 */
export interface QuickLookFrames {
  /** QuickLook.id of the quick look these belong to. */
  id: string
  path: string
  /** Index of this batch's first keyframe among all decoded so far. */
  start: number
  /** Exact presentation times (s) of the keyframes [n]. */
  pts: Float64Array
  width: number
  height: number
  /** The n thumbnails' RGBA pixels, concatenated [n * height * width * 4]. */
  rgba: Uint8Array
  /**
   * Keyframe novelty [n]: total-variation distance between this thumbnail's colour histogram and
   * the previous keyframe's (common/metrics/colour-novelty.ts), in [0, 1]; 0 for the first keyframe.
   */
  novelty: Float32Array
  /** True on the last batch (which may be empty): every keyframe has been sent. */
  done: boolean
}

export interface FrameImage {
  pts: number
  width: number
  height: number
  /** RGBA pixels, width*height*4. */
  rgba: Uint8Array
}

/** Every source frame of a video in presentation order (main/video/frame-stepper.ts): from its packets, no decoding. */
export interface FrameTable {
  /** Presentation timestamps (s), ascending: frame n is at pts[n]. */
  pts: Float64Array
  /** Indices of the keyframes (I-frames), ascending. */
  keyframes: Uint32Array
}

/** One source frame, decoded exactly: its index in the frame table and its real pts. */
export interface SourceFrame extends FrameImage {
  index: number
}

/** A video's annotation project as a window sees it (main/app/annotation-projects.ts). */
export interface ProjectView {
  /** The video's content fingerprint: one project per video. */
  projectId: string
  /** Where the project is saved. */
  file: string
  project: AnnotationProject
  /** Per window (client id): the last of its edits the store applied, so a window knows which of its edits are in. */
  appliedSeqs: Record<string, number>
  /** The file cannot be read (or holds another video's project): the project is read-only, showing the last good state. */
  problem?: { kind: 'damaged' | 'newer-version' | 'wrong-video'; message: string }
  /** Things to tell the user (the video was found at a new path, a same-named project of another video). */
  notices: string[]
}

/** One edit from a window: `seq` counts that window's edits (1, 2, …). */
export interface AnnotationEdit {
  projectId: string
  clientId: string
  seq: number
  op: AnnotationOp
}

/**
 * Pushed as `annotations:changed`: an edit the store applied (from any window, the CLI or another
 * process), the whole project after a reload or recovery, or a problem saving it.
 */
export type AnnotationsChange =
  | { projectId: string; kind: 'op'; revision: number; op: AnnotationOp; clientId?: string; seq?: number }
  | { projectId: string; kind: 'reset'; view: ProjectView; message: string }
  | { projectId: string; kind: 'problem'; message: string }

export interface RunMethodRequest {
  videoKey: string
  /** A method id or a composition `frameStage+spatialStage`. */
  methodId: string
  budget: Budget
  params: ParamValues
  seed: number
  /** LLM preset for the prefill-cost metric. */
  llm?: string
  /** The user's text query, for prompt-guided methods (embedded by the video's model's text tower). */
  query?: string
  /**
   * The UI's result slot, unique per window ('<window id>/a'). A run replaces the one still
   * computing for the same video and slot: that one is aborted (its workers terminated) and
   * answers code 'superseded', so a budget dragged across a long video never queues minutes of
   * stale work. Absent: never superseded.
   */
  slot?: string
}

export interface RunMethodResponse {
  /** TokenMap in the binary codec (common/codec/token-map-codec.ts). */
  map: ArrayBuffer
  report: MethodReport
  metrics: Record<string, number | string | null>
  /** Per-frame share of tokens kept [T], for the heat row. */
  frameShare: Float32Array
  elapsedMs: number
}

/** One method of a budget sweep: a method id (or a composition) and its parameters. */
export interface SweepMethod {
  methodId: string
  params: ParamValues
}

/** At most this many methods in one sweep. */
export const SWEEP_MAX_METHODS = 6

/**
 * A budget sweep: every method at every budget, computed in the method workers on one load of
 * the video's tokens, one after another. Progress comes as `sweep:progress` events tagged with
 * `sweepId`; `sweep:cancel` stops it and the points done so far are answered.
 */
export interface SweepRequest {
  videoKey: string
  methods: SweepMethod[]
  /** Budgets as shares of the input tokens, each in (0, 1]. */
  budgets: number[]
  seed: number
  llm?: string
  /** The user's text query, for prompt-guided methods (as in RunMethodRequest). */
  query?: string
  sweepId: string
}

/** One method at one budget: its report and metrics, or why it could not run. */
export interface SweepPoint {
  methodId: string
  /** The requested share of the input tokens. */
  budget: number
  report?: MethodReport
  metrics?: Record<string, number | string | null>
  /** The method's keyframes (sampled-frame indices, methodKeyframes): scored in the UI against any annotation set and δ. */
  keyframes?: Int32Array
  error?: string
}

export interface SweepResult {
  sweepId: string
  /** Method by method, budget by budget, as far as the sweep got. */
  points: SweepPoint[]
  cancelled: boolean
}

/** Pushed as `sweep:progress` after each point of a sweep. */
export interface SweepProgress {
  sweepId: string
  done: number
  total: number
  /** The point just finished. */
  methodId: string
  budget: number
}

/**
 * How relevant each sampled frame is to a text query: cosine of the frame's embedding
 * (outputs.frameEmbeds) with the query's text embedding, both in the model's joint space.
 */
export interface QueryRelevance {
  /** [T] cosine per frame. */
  perFrame: Float32Array
  /** Whether per-patch relevance exists for this model (outputs.patchEmbeds). */
  hasPatches: boolean
  /** Query tokens cut at the text tower's context length (0 when it fit). */
  truncated: number
}

/** channel → [request payload, response]. */
export interface Requests {
  'app:info': [void, AppInfo]
  'models:list': [void, ModelInfo[]]
  'methods:list': [void, MethodInfo[]]
  /** Electron: a native file dialog; browser mode answers null and the UI asks for a host path. */
  'video:choose': [void, string | null]
  'video:recent': [void, string[]]
  'video:probe': [{ path: string }, VideoInfo]
  'video:demo': [void, string]
  'video:quick-look': [{ path: string }, QuickLook]
  'video:frame': [{ path: string; pts: number; maxWidth?: number }, FrameImage]
  'analysis:start': [AnalyzeRequest, VideoSession]
  'analysis:cancel': [{ jobId: string }, void]
  'tokens:signals': [{ videoKey: string }, FrameSignals]
  'tokens:importance': [{ videoKey: string; frame: number }, Float32Array | null]
  'method:run': [RunMethodRequest, RunMethodResponse]
  'sweep:run': [SweepRequest, SweepResult]
  /** Stops a sweep (its `sweep:run` then answers the points done); an unknown or finished one is ignored. */
  'sweep:cancel': [{ sweepId: string }, void]
  /**
   * Saves an export (PNG, SVG, CSV) where the user chooses: Electron shows a save dialog and
   * answers the path written, or null when the user cancelled; browser mode answers null at once
   * and the page downloads the file itself.
   */
  'export:save': [{ name: string; bytes: Uint8Array }, string | null]
  'video:frame-table': [{ path: string }, FrameTable]
  'video:source-frame': [{ path: string; index: number; maxWidth?: number }, SourceFrame]
  /** The video's project (found by its content), or the project file `file` the user chose (refused when it is another video's). */
  'annotations:open': [{ videoPath: string; file?: string }, ProjectView]
  'annotations:edit': [AnnotationEdit, { revision: number }]
  /** Saves the project to `file` and keeps it there (the video finds it there from now on). */
  'annotations:save-as': [{ projectId: string; file: string }, ProjectView]
  /** Moves an unreadable project file aside (unchanged) and saves the last good state in its place. */
  'annotations:recover': [{ projectId: string }, ProjectView]
  'tokens:relevance': [{ videoKey: string; query: string }, QueryRelevance]
  /** [N] cosine of each patch of `frame` with the query; null when the model has no per-patch embeddings. */
  'tokens:patch-relevance': [{ videoKey: string; query: string; frame: number }, Float32Array | null]
  'models:pullable': [void, PullableModel[]]
  /** Downloads a model (progress as `models:pull-progress`); answers with the installed model. */
  'models:pull': [{ id: string }, ModelInfo]
}

export type Channel = keyof Requests
export type RequestOf<C extends Channel> = Requests[C][0]
export type ResponseOf<C extends Channel> = Requests[C][1]

/** channel → payload of events pushed from main to the UI. */
export interface Events {
  'analysis:progress': AnalysisProgress
  'quicklook:frames': QuickLookFrames
  'sweep:progress': SweepProgress
  'annotations:changed': AnnotationsChange
  'models:pull-progress': PullProgress
}

export type EventChannel = keyof Events

/** The one API object the preload exposes (and the browser-mode client implements). */
export interface TokenScopeApi {
  invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>>
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void
}

/** An error as it crosses IPC: a one-line message a user can act on, and a machine code. */
export interface ApiError {
  code: string
  message: string
}
