import { patchCount, type ImportanceKind, type VideoTokens } from '../../common/tokens'
import { resolveRun } from '../../common/compression/registry'
import { hasPrepared, packPrepared, preparedAt, preparedBuffers, type PackedPrepared } from '../../common/compression/prepared'
import { allocatingStage, applyStage, assembleMap, checkRunNeeds, evenAllocation, frameStageOf, runWholeStep, stageGroups } from '../../common/compression/runner'
import type { Allocation, FrameResult, MethodContext, MethodReport, MethodResult, ParamValues, Prepared, VideoPlan } from '../../common/compression/types'
import type { TokenMap } from '../../common/token-map'
import { computeMetrics, type Metrics, type MetricsOptions } from '../../common/metrics/index'
import { streamedVideo } from '../cache/streamed-video'

/**
 * The work a methods worker does, as plain functions of its messages (methods-worker.ts only
 * wires them to the port), so they also run and test in-process. Each job is one step of the
 * runner (common/compression/runner.ts) for the run `methodId` + `params` names, under the plan
 * the main thread resolved:
 * - `whole`: a run done in one piece (a video method; a spatial method that decides its frames
 *   together), answered with the result, or with `per-frame` when the method did no whole-video
 *   work for these parameters (dtome's fixed mode) and the run goes on frame by frame;
 * - `allocate`: the frame-selection stage's allocation (plain data), from its prepared data when
 *   given, else preparing it (and returning it, to be kept);
 * - `frames`: the frame stage over a contiguous range of frames, results packed into three arrays,
 *   from prepared data where given, returning what it prepared;
 * - `map`: a whole budget change from prepared data in one job (allocation, every frame's groups,
 *   the token map and report), answered with `allocation` instead when the frame stage lacks
 *   prepared data for a frame the new allocation gives tokens (the run then goes on frame by frame);
 * - `metrics`: a result's metrics (coverage alone is O(pruned × kept per frame × D), seconds on
 *   long videos).
 * A job's video is the tokens in (shared) memory, or the token cache it streams them from.
 */

/** Tokens a run reads: in memory, or the token cache folder they stream from (frames [0, frames)). */
export type TokenSource = VideoTokens | { cacheDir: string; frames: number }

export type MethodsJob =
  | { type: 'whole'; video: TokenSource; methodId: string; params: ParamValues; plan: VideoPlan; ctx: MethodContext }
  | { type: 'allocate'; video: TokenSource; methodId: string; params: ParamValues; plan: VideoPlan; ctx: MethodContext; prepared?: Prepared }
  | {
      type: 'frames'
      video: TokenSource
      methodId: string
      params: ParamValues
      ctx: MethodContext
      alloc: Pick<Allocation, 'perFrame' | 'mergedInto'>
      from: number
      to: number
      prepared?: PackedPrepared
      /** Return what the stage prepares (to keep it for the next budget). */
      keepPrepared?: boolean
      /** Return the output features (default); without, only groups and counts (a token map). */
      features?: boolean
    }
  | {
      type: 'map'
      video: TokenSource
      methodId: string
      params: ParamValues
      plan: VideoPlan
      ctx: MethodContext
      importanceSource?: ImportanceKind
      /** The frame-selection stage's prepared data, when it prepares (else its allocate runs on the video). */
      allocationPrepared?: Prepared
      /** The frame stage's prepared data (frames [0, T)), when the stage prepares. */
      prepared?: PackedPrepared
    }
  | { type: 'metrics'; video: TokenSource; result: MethodResult; opts: MetricsOptions }

/** Frame-stage results of frames `frames` [F]: counts [F] output tokens each, groups [F*N] local ids, features [Σcounts × D] (empty for a token map). */
export interface PackedFrames {
  frames: Int32Array
  counts: Int32Array
  groups: Int32Array
  features: Float32Array
  derived: (Record<string, number | string> | null)[]
  /** What the frames' stage prepared (to keep for the next budget). */
  prepared?: PackedPrepared
}

export type MethodsReply =
  | { type: 'result'; result: MethodResult }
  | { type: 'per-frame' }
  | { type: 'allocation'; allocation: Allocation; prepared?: Prepared }
  | { type: 'map'; map: TokenMap; report: MethodReport }
  | ({ type: 'frames' } & PackedFrames)
  | { type: 'metrics'; metrics: Metrics }
  | { type: 'error'; name: string; message: string; stack?: string }

/** The job's video: itself, or streamed from its cache (closed after the job). */
function withVideo<R>(source: TokenSource, f: (video: VideoTokens) => R): R {
  if (!('cacheDir' in source)) return f(source)
  const streamed = streamedVideo(source.cacheDir, { frames: source.frames })
  try {
    return f(streamed.video)
  } finally {
    streamed.close()
  }
}

export function handleJob(job: MethodsJob): MethodsReply {
  switch (job.type) {
    case 'whole':
      return withVideo(job.video, (video) => {
        const spec = resolveRun(job.methodId, job.params)
        const result = runWholeStep(spec, video, job.plan, job.ctx, checkRunNeeds(spec, video, job.ctx))
        return result ? { type: 'result', result: ownResult(result) } : { type: 'per-frame' }
      })
    case 'allocate':
      return withVideo(job.video, (video) => {
        const stage = allocatingStage(resolveRun(job.methodId, job.params))
        if (!stage) throw new Error(`${job.methodId} has no frame-selection stage to allocate`)
        const prepared = job.prepared ?? stage.method.prepare?.(video, stage.params, job.ctx)
        const allocation = stage.method.allocate(video, job.plan, stage.params, job.ctx, prepared)
        return { type: 'allocation', allocation, ...(prepared && !job.prepared ? { prepared } : {}) }
      })
    case 'frames':
      return withVideo(job.video, (video) => ({ type: 'frames', ...runFrames(video, job.methodId, job.params, job.ctx, job.alloc, job.from, job.to, job.prepared, job.keepPrepared, job.features ?? true) }))
    case 'map':
      return withVideo(job.video, (video) => mapFromPrepared(video, job))
    case 'metrics':
      return withVideo(job.video, (video) => ({ type: 'metrics', metrics: computeMetrics(video, job.result, job.opts) }))
  }
}

export function errorReply(e: unknown): MethodsReply {
  const err = e instanceof Error ? e : new Error(String(e))
  return { type: 'error', name: err.name, message: err.message, stack: err.stack }
}

/** Frames handed to the stage at a time: a range's frame results are packed window by window, so only one window's features are ever unpacked. */
const WINDOW_FRAMES = 32

/**
 * The frame stage of run `methodId` for frames from ≤ t < to with a budget, packed. With
 * `prepared` (frames [0, T) of the stage's prepared data) a frame that has it starts from it;
 * what the stage prepares for the others comes back in `prepared` when `keepPrepared`. Without
 * `withFeatures` (a token map needs none) a stage with prepare/groups computes none, and other
 * stages' features are dropped window by window.
 */
export function runFrames(
  video: VideoTokens,
  methodId: string,
  params: ParamValues,
  ctx: MethodContext,
  alloc: Pick<Allocation, 'perFrame' | 'mergedInto'>,
  from: number,
  to: number,
  prepared?: PackedPrepared,
  keepPrepared = false,
  withFeatures = true,
): PackedFrames {
  const n = patchCount(video.grid)
  const d = video.dim
  const stage = frameStageOf(resolveRun(methodId, params))
  const fresh: (Prepared | undefined)[] = new Array(to - from).fill(undefined)
  const frames: number[] = []
  const counts: number[] = []
  const groups: Int32Array[] = []
  const features: Float32Array[] = []
  const derived: (Record<string, number | string> | null)[] = []
  for (let a = from; a < to; a += WINDOW_FRAMES) {
    const window = applyStage(
      video,
      stage,
      alloc,
      ctx,
      a,
      Math.min(to, a + WINDOW_FRAMES),
      { get: prepared ? (t) => preparedAt(prepared, t) : undefined, keep: keepPrepared ? (t, p) => (fresh[t - from] = p) : undefined },
      withFeatures,
    )
    window.results.forEach((r, i) => {
      frames.push(window.frames[i])
      counts.push(window.counts[i])
      groups.push(r.groups)
      if (withFeatures) features.push(r.features)
      derived.push(r.derived ?? null)
    })
  }
  const packedGroups = new Int32Array(frames.length * n)
  groups.forEach((g, i) => packedGroups.set(g, i * n))
  const packedFeatures = new Float32Array(withFeatures ? counts.reduce((x, y) => x + y, 0) * d : 0)
  let off = 0
  for (const f of features) {
    packedFeatures.set(f, off)
    off += f.length
  }
  const kept = fresh.some((p) => p) ? { prepared: packPrepared(from, fresh) } : {}
  return { frames: Int32Array.from(frames), counts: Int32Array.from(counts), groups: packedGroups, features: packedFeatures, derived, ...kept }
}

/**
 * A budget change from prepared data alone (`map` job): the allocation from the frame-selection
 * stage's prepared data (or the even split), then every frame's groups from the frame stage's, the
 * token map and report; no token is read (unless an allocation that prepares nothing reads them). When a frame the allocation gives tokens has no
 * prepared data (a composition whose selection moved to new frames), the allocation instead.
 */
export function mapFromPrepared(video: VideoTokens, job: Extract<MethodsJob, { type: 'map' }>): MethodsReply {
  const spec = resolveRun(job.methodId, job.params)
  const allocating = allocatingStage(spec)
  const allocation = allocating ? allocating.method.allocate(video, job.plan, allocating.params, job.ctx, job.allocationPrepared) : evenAllocation(job.plan)
  const stage = frameStageOf(spec)
  const { prepared } = job
  if (stage && (!prepared || allocation.perFrame.some((k, t) => k > 0 && !hasPrepared(prepared, t)))) return { type: 'allocation', allocation }
  const n = job.plan.n
  const frames = stageGroups(n, stage, allocation, 0, job.plan.frames, (t) => (prepared ? preparedAt(prepared, t) : undefined))
  return { type: 'map', ...assembleMap(spec, video.grid, job.plan.frames, job.plan, allocation, frames, job.importanceSource) }
}

/** PackedFrames back to one FrameResult per frame (views on the packed arrays), keyed by frame index. */
export function unpackFrames(packed: PackedFrames, n: number, d: number): Map<number, FrameResult> {
  const out = new Map<number, FrameResult>()
  let off = 0
  packed.frames.forEach((t, i) => {
    const m = packed.counts[i]
    const derived = packed.derived[i]
    out.set(t, {
      groups: packed.groups.subarray(i * n, (i + 1) * n),
      features: packed.features.subarray(off, off + m * d),
      ...(derived ? { derived } : {}),
    })
    off += m * d
  })
  return out
}

/** Copies any array of the result that views shared memory (e.g. a kept frame's tokens), so the result can be transferred and owned by the receiver. */
function ownResult(r: MethodResult): MethodResult {
  const own = <A extends Int32Array | Float32Array | Uint8Array>(a: A): A => (a.buffer instanceof SharedArrayBuffer ? (a.slice() as A) : a)
  const { map } = r
  return {
    ...r,
    features: own(r.features),
    map: { ...map, keptFrames: own(map.keptFrames), groups: own(map.groups), tokenSizes: own(map.tokenSizes), tokenFrame: own(map.tokenFrame) },
  }
}

/** The ArrayBuffers of a reply to transfer (each once; shared memory is never transferred). */
export function transferablesOf(reply: MethodsReply): ArrayBuffer[] {
  const arrays: ArrayBufferLike[] = []
  if (reply.type === 'result') {
    const { map, features } = reply.result
    arrays.push(...[features, map.keptFrames, map.groups, map.tokenSizes, map.tokenFrame].map((a) => a.buffer))
  } else if (reply.type === 'frames') {
    arrays.push(...[reply.frames, reply.counts, reply.groups, reply.features].map((a) => a.buffer))
    if (reply.prepared) arrays.push(...preparedBuffers(reply.prepared))
  } else if (reply.type === 'map') {
    const { map } = reply
    arrays.push(...[map.keptFrames, map.groups, map.tokenSizes, map.tokenFrame].map((a) => a.buffer))
  } else if (reply.type === 'allocation') {
    arrays.push(reply.allocation.perFrame.buffer)
    if (reply.allocation.mergedInto) arrays.push(reply.allocation.mergedInto.buffer)
  }
  const buffers = new Set<ArrayBuffer>()
  for (const b of arrays) if (b instanceof ArrayBuffer) buffers.add(b)
  return [...buffers]
}
