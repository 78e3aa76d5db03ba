/**
 * The one runner: every method run is "plan, then apply", written once here.
 *
 * 1. plan: the budget becomes integers (plan.ts planVideo) before any method code runs;
 * 2. a per-frame run (a spatial method, a frame-selection method on its own, or a composition)
 *    then allocates the tokens over frames: the budget split evenly for a spatial method, the
 *    frame-selection stage's `allocate` otherwise (plain data, types.ts Allocation);
 * 3. the frame stage compresses each frame with a budget to its count (`applyStage`): the spatial
 *    method's frame(), or evenly strided patches for a frame-selection method on its own;
 * 4. `assembleRun` numbers the frames' tokens into the video's TokenMap and writes the report.
 * Video methods (and a spatial method that decides its frames together, dtome's calibration) are
 * one step: `apply` (or `jointFrames`) on the whole video.
 *
 * `runPlanned` does the steps in-process; main/compute/run-method.ts does the same steps with
 * step 2 and 3 in worker threads (frame ranges in parallel), so no step ever runs twice.
 */
import { frameCount, patchCount, type ImportanceKind, type TokenGrid, type VideoTokens } from '../tokens'
import { splitEvenly, stridedPatches } from './allocation'
import { keepMergedPatches, keepPatches, meanMergeResult } from './frame-ops'
import { planOf } from './plan'
import {
  type Allocation,
  type Budget,
  type FrameInput,
  type FrameResult,
  type FrameSelectionMethod,
  type Method,
  type MethodContext,
  MethodInputError,
  type MethodResult,
  type ParamValues,
  type Prepared,
  type SpatialMethod,
  type VideoMethod,
  type VideoPlan,
  TEXT_MODEL_HINT,
} from './types'

/** What one run is, resolved from a method id and its parameters (registry.ts resolveRun) before anything runs. */
export type RunSpec =
  | { kind: 'spatial'; id: string; method: SpatialMethod; params: ParamValues }
  | { kind: 'frame-selection'; id: string; method: FrameSelectionMethod; params: ParamValues }
  | { kind: 'composition'; id: string; first: FrameSelectionMethod; firstParams: ParamValues; second: SpatialMethod; secondParams: ParamValues }
  | { kind: 'video'; id: string; method: VideoMethod; params: ParamValues }

/** The run of one method on its own, with its resolved parameters. */
export function singleRun(method: Method, params: ParamValues): RunSpec {
  switch (method.kind) {
    case 'spatial':
      return { kind: 'spatial', id: method.id, method, params }
    case 'frame-selection':
      return { kind: 'frame-selection', id: method.id, method, params }
    case 'video':
      return { kind: 'video', id: method.id, method, params }
  }
}

/** The stage applied to each frame with a budget: a spatial method, or (null) evenly strided patches. */
export type FrameStage = { method: SpatialMethod; params: ParamValues } | null

/** A run done in one piece (`runPlanned` in one worker): video methods, and spatial methods that may decide their frames together. */
export const runsWhole = (spec: RunSpec): boolean => spec.kind === 'video' || (spec.kind === 'spatial' && !!spec.method.jointFrames)

/** The frame stage of a per-frame run. */
export function frameStageOf(spec: RunSpec): FrameStage {
  if (spec.kind === 'spatial') return { method: spec.method, params: spec.params }
  if (spec.kind === 'composition') return { method: spec.second, params: spec.secondParams }
  return null
}

/** The stage that allocates a per-frame run's tokens over frames (method code), or null when the budget is split evenly. */
export function allocatingStage(spec: RunSpec): { method: FrameSelectionMethod; params: ParamValues } | null {
  if (spec.kind === 'frame-selection') return { method: spec.method, params: spec.params }
  if (spec.kind === 'composition') return { method: spec.first, params: spec.firstParams }
  return null
}

/** Step 2 for a run whose budget is split evenly over frames (no method code). */
export const evenAllocation = (plan: VideoPlan): Allocation => ({ perFrame: splitEvenly(plan.tokens, plan.frames, plan.n), derived: {}, notes: [] })

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
function checkTextNeeds(method: Method, video: VideoTokens, ctx: MethodContext): void {
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

/** Checks every stage's needs; the importance source the run reports (the spatial stage's, else the first stage's). */
export function checkRunNeeds(spec: RunSpec, video: VideoTokens, ctx: MethodContext): ImportanceKind | undefined {
  if (spec.kind !== 'composition') return checkNeeds(spec.method, video, ctx)
  const first = checkNeeds(spec.first, video, ctx)
  return checkNeeds(spec.second, video, ctx) ?? first
}

const NO_FEATURES = new Float32Array(0)

/** Prepared data per frame (SpatialMethod.prepare), for the frames that have it. */
export type FramePrepared = (t: number) => Prepared | undefined

/**
 * Step 3: the stage's results for frames from ≤ t < to with a budget (perFrame[t] > 0), in frame
 * order, and each frame's output token count. With `mergedInto` (a frame-selection method on its
 * own), a kept frame's strided tokens average its patch with the same patch of every frame merged
 * into it. A method with prepare/groups starts from `prepared(t)` when given, else prepares the
 * frame and hands the prepared data to `keep` (to be kept for the next budget); without
 * `withFeatures` (a token map) its frames' features are left empty instead of computed.
 */
export function applyStage(
  video: VideoTokens,
  stage: FrameStage,
  alloc: Pick<Allocation, 'perFrame' | 'mergedInto'>,
  ctx: MethodContext,
  from: number,
  to: number,
  prepared?: { get?: FramePrepared; keep?: (t: number, p: Prepared) => void },
  withFeatures = true,
): { frames: number[]; results: FrameResult[]; counts: number[] } {
  const n = patchCount(video.grid)
  const d = video.dim
  const followers = stage ? undefined : followersOf(alloc)
  const frames: number[] = []
  const results: FrameResult[] = []
  const counts: number[] = []
  const push = (r: FrameResult, count = r.features.length / d) => {
    results.push(r)
    counts.push(count)
  }
  for (let t = from; t < to; t++) {
    const keep = alloc.perFrame[t]
    if (keep <= 0) continue
    frames.push(t)
    if (stage) {
      const { method, params } = stage
      const input = frameInput(video, t)
      const frameCtx = { ...ctx, frameIndex: t }
      if (method.prepare && method.groups && prepared) {
        let p = prepared.get?.(t)
        if (!p) {
          p = method.prepare(input, params, frameCtx)
          prepared.keep?.(t, p)
        }
        const { labels, derived } = method.groups(p, keep, params)
        const extra = derived ? { derived } : {}
        if (withFeatures) push({ ...(method.output ? method.output(input, labels, params) : meanMergeResult(input.tokens, d, labels)), ...extra })
        else {
          const { groups, count } = numberByFirstPatch(labels)
          push({ groups, features: NO_FEATURES, ...extra }, count)
        }
      } else push(method.frame(input, keep, params, frameCtx))
    } else {
      const kept = stridedPatches(n, keep)
      const merged = followers?.get(t)
      push(merged ? keepMergedPatches([t, ...merged].map((f) => video.tokens[f]), d, n, kept) : keepPatches(video.tokens[t], d, n, kept))
    }
  }
  return { frames, results, counts }
}

/**
 * Step 3 without the tokens, for a budget change answered from prepared data: each frame's local
 * groups [N] and token count, from the stage's groups() (or the strided patches of a frame-selection
 * method on its own). Every frame with a budget must have prepared data when the stage has a method.
 */
export function stageGroups(
  n: number,
  stage: FrameStage,
  alloc: Pick<Allocation, 'perFrame' | 'mergedInto'>,
  from: number,
  to: number,
  prepared: FramePrepared,
): Map<number, FrameGroups> {
  const out = new Map<number, FrameGroups>()
  for (let t = from; t < to; t++) {
    const keep = alloc.perFrame[t]
    if (keep <= 0) continue
    let labels: Int32Array
    let derived: Record<string, number | string> | undefined
    if (stage) {
      const p = prepared(t)
      if (!p || !stage.method.groups) throw new Error(`${stage.method.id}: no prepared data for frame ${t}`)
      ;({ labels, derived } = stage.method.groups(p, keep, stage.params))
    } else {
      labels = new Int32Array(n).fill(-1)
      for (const i of stridedPatches(n, keep)) labels[i] = i
    }
    const { groups, count } = numberByFirstPatch(labels)
    out.set(t, { groups, count, ...(derived ? { derived } : {}) })
  }
  return out
}

/** [kept frame → the frames merged into it, ascending], for the kept frames that have any. */
function followersOf(alloc: Pick<Allocation, 'perFrame' | 'mergedInto'>): Map<number, number[]> | undefined {
  if (!alloc.mergedInto) return undefined
  const out = new Map<number, number[]>()
  alloc.mergedInto.forEach((c, t) => {
    if (c < 0 || alloc.perFrame[c] <= 0) return
    const list = out.get(c)
    if (list) list.push(t)
    else out.set(c, [t])
  })
  return out
}

/** Labels [N] in 0..N-1 (or -1) renumbered 0..count-1 by first patch (token-map.ts canonicalGroups for a frame's patch labels, without a Map). */
function numberByFirstPatch(labels: Int32Array): { groups: Int32Array; count: number } {
  const idOf = new Int32Array(labels.length).fill(-1)
  const groups = new Int32Array(labels.length)
  let count = 0
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]
    if (l < 0) groups[i] = -1
    else groups[i] = idOf[l] >= 0 ? idOf[l] : (idOf[l] = count++)
  }
  return { groups, count }
}

/** One frame's output as the assembly needs it: local groups [N] (ids 0..count-1 in raster order of first patch, or -1), and its token count. */
export interface FrameGroups {
  groups: Int32Array
  count: number
  derived?: Record<string, number | string>
}

/** Step 4 of a per-frame run: the frames' results numbered into the video's TokenMap and features, and the report. */
export function assembleRun(
  spec: RunSpec,
  video: Pick<VideoTokens, 'grid' | 'dim' | 'tokens'>,
  plan: VideoPlan,
  alloc: Allocation,
  results: ReadonlyMap<number, FrameResult>,
  importanceSource: ImportanceKind | undefined,
  jointDerived?: Record<string, number | string>,
): MethodResult {
  const d = video.dim
  const frames = new Map<number, FrameGroups>()
  for (const [t, r] of results) frames.set(t, { groups: r.groups, count: r.features.length / d, ...(r.derived ? { derived: r.derived } : {}) })
  const { map, report } = assembleMap(spec, video.grid, video.tokens.length, plan, alloc, frames, importanceSource, jointDerived)
  const features = new Float32Array(report.tokensOut * d)
  let off = 0
  for (const t of [...results.keys()].sort((a, b) => a - b)) {
    features.set(results.get(t)!.features, off)
    off += results.get(t)!.features.length
  }
  return { map, features, report }
}

/**
 * Step 4 without features: the frames' groups (by frame index) numbered into the video's TokenMap
 * (tokens in frame order, within a frame by first patch; a token sits in its frame), and the report.
 */
export function assembleMap(
  spec: RunSpec,
  grid: TokenGrid,
  T: number,
  plan: VideoPlan,
  alloc: Allocation,
  frames: ReadonlyMap<number, FrameGroups>,
  importanceSource: ImportanceKind | undefined,
  jointDerived?: Record<string, number | string>,
): Pick<MethodResult, 'map' | 'report'> {
  const n = patchCount(grid)
  const groups = new Int32Array(T * n).fill(-1)
  const keptFrames = new Uint8Array(T)
  const order = [...frames.keys()].sort((a, b) => a - b)
  const total = order.reduce((sum, t) => sum + frames.get(t)!.count, 0)
  const tokenSizes = new Float32Array(total)
  const tokenFrame = new Int32Array(total)
  const derived: Record<string, number | string>[] = []
  let next = 0
  for (const t of order) {
    const r = frames.get(t)!
    let seen = 0
    for (let i = 0; i < n; i++) {
      const g = r.groups[i]
      if (g < 0) continue
      // ids must appear in raster order of their first patch: each new id is the next one.
      if (g > seen || g >= r.count) throw new Error(`${spec.id}: frame() must number output tokens in raster order of their first patch, each with at least one patch`)
      if (g === seen) seen++
      groups[t * n + i] = next + g
      tokenSizes[next + g]++
    }
    if (seen !== r.count) throw new Error(`${spec.id}: frame() must number output tokens in raster order of their first patch, each with at least one patch`)
    tokenFrame.fill(t, next, next + r.count)
    if (r.count) keptFrames[t] = 1
    next += r.count
    if (r.derived) derived.push(r.derived)
  }
  if (!frameStageOf(spec) && alloc.mergedInto) {
    alloc.mergedInto.forEach((c, t) => {
      if (c < 0 || alloc.perFrame[c] <= 0) return
      groups.copyWithin(t * n, c * n, c * n + n)
      for (let i = 0; i < n; i++) if (groups[t * n + i] >= 0) tokenSizes[groups[t * n + i]]++
      keptFrames[t] = keptFrames[c]
    })
  }
  const stageDerived = jointDerived ?? summarizeDerived(derived)
  const report =
    spec.kind === 'composition'
      ? { derived: { ...prefixKeys(spec.first.id, alloc.derived), ...prefixKeys(spec.second.id, stageDerived) }, notes: [...alloc.notes], ...(alloc.keyframes ? { keyframes: alloc.keyframes } : {}) }
      : spec.kind === 'frame-selection'
        ? { derived: alloc.derived, notes: [...alloc.notes], ...(alloc.keyframes ? { keyframes: alloc.keyframes } : {}) }
        : { derived: stageDerived, notes: [] }
  return {
    map: { grid, frameCount: T, keptFrames, groups, tokenSizes, tokenFrame },
    report: { budgetTokens: plan.tokens, tokensOut: next, importanceSource, ...report },
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

const prefixKeys = (p: string, o: Record<string, number | string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p}.${k}`, v]))

/** A whole-video step (a video method's apply, or a spatial method's jointFrames), or undefined when the run is per frame after all. */
export function runWholeStep(spec: RunSpec, video: VideoTokens, plan: VideoPlan, ctx: MethodContext, importanceSource: ImportanceKind | undefined): MethodResult | undefined {
  if (spec.kind === 'video') {
    const { map, features, report } = spec.method.apply(video, plan, spec.params, ctx)
    const { tokensOut, ...rest } = report
    return { map, features, report: { budgetTokens: plan.tokens, tokensOut, importanceSource, ...rest } }
  }
  if (spec.kind !== 'spatial' || !spec.method.jointFrames) return undefined
  const joint = spec.method.jointFrames(video, plan, spec.params, ctx)
  if (!joint) return undefined
  const all = new Int32Array(frameCount(video)).fill(plan.n)
  return assembleRun(spec, video, plan, { perFrame: all, derived: {}, notes: [] }, new Map(joint.frames.map((r, t) => [t, r])), importanceSource, joint.derived)
}

/** Runs `spec` on `video` under `budget`, in-process: plan, allocate, apply, assemble. */
export function runPlanned(spec: RunSpec, video: VideoTokens, budget: Budget, ctx: MethodContext): MethodResult {
  const importanceSource = checkRunNeeds(spec, video, ctx)
  const plan = planOf(video, budget)
  const whole = runWholeStep(spec, video, plan, ctx, importanceSource)
  if (whole) return whole
  const first = allocatingStage(spec)
  const alloc = first ? first.method.allocate(video, plan, first.params, ctx) : evenAllocation(plan)
  const { frames, results } = applyStage(video, frameStageOf(spec), alloc, ctx, 0, frameCount(video))
  return assembleRun(spec, video, plan, alloc, new Map(frames.map((t, j) => [t, results[j]])), importanceSource)
}
