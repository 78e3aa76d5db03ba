import type { VideoTokens } from '../../common/tokens'
import { patchCount } from '../../common/tokens'
import { resolveRun } from '../../common/compression/registry'
import { allocatingStage, applyStage, checkRunNeeds, frameStageOf, runWholeStep } from '../../common/compression/runner'
import type { Allocation, FrameResult, MethodContext, MethodResult, ParamValues, VideoPlan } from '../../common/compression/types'
import { computeMetrics, type Metrics, type MetricsOptions } from '../../common/metrics/index'

/**
 * The work a methods worker does, as plain functions of its messages (methods-worker.ts only
 * wires them to the port), so they also run and test in-process. Each job is one step of the
 * runner (common/compression/runner.ts) for the run `methodId` + `params` names, under the plan
 * the main thread resolved:
 * - `whole`: a run done in one piece (a video method; a spatial method that decides its frames
 *   together), answered with the result, or with `per-frame` when the method did no whole-video
 *   work for these parameters (dtome's fixed mode) and the run goes on frame by frame;
 * - `allocate`: the frame-selection stage's allocation (plain data);
 * - `frames`: the frame stage over a contiguous range of frames, results packed into three arrays;
 * - `metrics`: a result's metrics (coverage alone is O(pruned × kept per frame × D), seconds on
 *   long videos).
 */

export type MethodsJob =
  | { type: 'whole'; video: VideoTokens; methodId: string; params: ParamValues; plan: VideoPlan; ctx: MethodContext }
  | { type: 'allocate'; video: VideoTokens; methodId: string; params: ParamValues; plan: VideoPlan; ctx: MethodContext }
  | { type: 'frames'; video: VideoTokens; methodId: string; params: ParamValues; ctx: MethodContext; alloc: Pick<Allocation, 'perFrame' | 'mergedInto'>; from: number; to: number }
  | { type: 'metrics'; video: VideoTokens; result: MethodResult; opts: MetricsOptions }

/** Frame-stage results of frames `frames` [F]: counts [F] output tokens each, groups [F*N] local ids, features [Σcounts × D]. */
export interface PackedFrames {
  frames: Int32Array
  counts: Int32Array
  groups: Int32Array
  features: Float32Array
  derived: (Record<string, number | string> | null)[]
}

export type MethodsReply =
  | { type: 'result'; result: MethodResult }
  | { type: 'per-frame' }
  | { type: 'allocation'; allocation: Allocation }
  | ({ type: 'frames' } & PackedFrames)
  | { type: 'metrics'; metrics: Metrics }
  | { type: 'error'; name: string; message: string; stack?: string }

export function handleJob(job: MethodsJob): MethodsReply {
  switch (job.type) {
    case 'whole': {
      const spec = resolveRun(job.methodId, job.params)
      const result = runWholeStep(spec, job.video, job.plan, job.ctx, checkRunNeeds(spec, job.video, job.ctx))
      return result ? { type: 'result', result: ownResult(result) } : { type: 'per-frame' }
    }
    case 'allocate': {
      const stage = allocatingStage(resolveRun(job.methodId, job.params))
      if (!stage) throw new Error(`${job.methodId} has no frame-selection stage to allocate`)
      return { type: 'allocation', allocation: stage.method.allocate(job.video, job.plan, stage.params, job.ctx) }
    }
    case 'frames':
      return { type: 'frames', ...runFrames(job.video, job.methodId, job.params, job.ctx, job.alloc, job.from, job.to) }
    case 'metrics':
      return { type: 'metrics', metrics: computeMetrics(job.video, job.result, job.opts) }
  }
}

export function errorReply(e: unknown): MethodsReply {
  const err = e instanceof Error ? e : new Error(String(e))
  return { type: 'error', name: err.name, message: err.message, stack: err.stack }
}

/** The frame stage of run `methodId` for frames from ≤ t < to with a budget, packed. */
export function runFrames(
  video: VideoTokens,
  methodId: string,
  params: ParamValues,
  ctx: MethodContext,
  alloc: Pick<Allocation, 'perFrame' | 'mergedInto'>,
  from: number,
  to: number,
): PackedFrames {
  const n = patchCount(video.grid)
  const d = video.dim
  const { frames, results } = applyStage(video, frameStageOf(resolveRun(methodId, params)), alloc, ctx, from, to)
  const counts = Int32Array.from(results, (r) => r.features.length / d)
  const groups = new Int32Array(frames.length * n)
  const features = new Float32Array(counts.reduce((a, b) => a + b, 0) * d)
  let off = 0
  results.forEach((r, i) => {
    groups.set(r.groups, i * n)
    features.set(r.features, off)
    off += r.features.length
  })
  return { frames: Int32Array.from(frames), counts, groups, features, derived: results.map((r) => r.derived ?? null) }
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
  const arrays: ArrayBufferView[] = []
  if (reply.type === 'result') {
    const { map, features } = reply.result
    arrays.push(features, map.keptFrames, map.groups, map.tokenSizes, map.tokenFrame)
  } else if (reply.type === 'frames') {
    arrays.push(reply.frames, reply.counts, reply.groups, reply.features)
  } else if (reply.type === 'allocation') {
    arrays.push(reply.allocation.perFrame)
    if (reply.allocation.mergedInto) arrays.push(reply.allocation.mergedInto)
  }
  const buffers = new Set<ArrayBuffer>()
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer)
  return [...buffers]
}
