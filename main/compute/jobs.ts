import type { VideoTokens } from '../../common/tokens'
import { patchCount } from '../../common/tokens'
import { frameInput } from '../../common/compression/framework'
import { getMethod, resolveComposition, resolveParams, runMethod, type Allocation } from '../../common/compression/registry'
import type { Budget, FrameResult, MethodContext, MethodResult, ParamValues, SpatialMethod } from '../../common/compression/types'
import { computeMetrics, type Metrics, type MetricsOptions } from '../../common/metrics/index'

/**
 * The work a methods worker does, as plain functions of its messages (methods-worker.ts only
 * wires them to the port), so they also run and test in-process.
 *
 * A run is split in two steps when its work is one spatial method's frame() per frame:
 * 1. `plan`: find the per-frame budgets. For a composition, the frame-selection stage allocates.
 *    For a single spatial method, its own `run` is executed once with a frame() that records the
 *    budget it is asked for and returns an empty frame: cheap (the run is checkNeeds, the budget
 *    split and assembly), and it is exactly the split `run` would use. A `run` that never calls
 *    this.frame does video-level work of its own (e.g. dtome's calibration): its result is final.
 * 2. `frames`: frame() over a contiguous range of frames, results packed into three arrays.
 * Anything else (video and frame-selection methods) is one `whole` job: runMethod.
 * `metrics` computes a result's metrics (coverage alone is O(pruned × kept per frame × D), seconds
 * on long videos).
 */

export type MethodsJob =
  | { type: 'whole'; video: VideoTokens; methodId: string; budget: Budget; params: ParamValues; ctx: MethodContext }
  | { type: 'plan'; video: VideoTokens; methodId: string; budget: Budget; params: ParamValues; ctx: MethodContext }
  | { type: 'frames'; video: VideoTokens; spatialId: string; params: ParamValues; ctx: MethodContext; perFrame: Int32Array; from: number; to: number }
  | { type: 'metrics'; video: VideoTokens; result: MethodResult; opts: MetricsOptions }

/** frame() results of frames `frames` [F]: counts [F] output tokens each, groups [F*N] local ids, features [Σcounts × D]. */
export interface PackedFrames {
  frames: Int32Array
  counts: Int32Array
  groups: Int32Array
  features: Float32Array
  derived: (Record<string, number | string> | null)[]
}

export type MethodsReply =
  | { type: 'result'; result: MethodResult }
  | { type: 'plan'; perFrame: Int32Array; alloc?: Allocation }
  | ({ type: 'frames' } & PackedFrames)
  | { type: 'metrics'; metrics: Metrics }
  | { type: 'error'; name: string; message: string; stack?: string }

export function handleJob(job: MethodsJob): MethodsReply {
  switch (job.type) {
    case 'whole':
      return { type: 'result', result: ownResult(runMethod(job.methodId, job.video, job.budget, job.params, job.ctx)) }
    case 'plan':
      return plan(job.video, job.methodId, job.budget, job.params, job.ctx)
    case 'frames':
      return { type: 'frames', ...runFrames(job.video, getMethod(job.spatialId) as SpatialMethod, job.params, job.ctx, job.perFrame, job.from, job.to) }
    case 'metrics':
      return { type: 'metrics', metrics: computeMetrics(job.video, job.result, job.opts) }
  }
}

export function errorReply(e: unknown): MethodsReply {
  const err = e instanceof Error ? e : new Error(String(e))
  return { type: 'error', name: err.name, message: err.message, stack: err.stack }
}

/** Step 1 (see above): the per-frame budgets, or the final result when the run is not per-frame. */
export function plan(video: VideoTokens, methodId: string, budget: Budget, params: ParamValues, ctx: MethodContext): MethodsReply {
  const c = resolveComposition(methodId, params)
  if (c) {
    const alloc = c.first.allocate(video, budget, c.firstParams, ctx)
    return { type: 'plan', perFrame: alloc.perFrame, alloc }
  }
  const m = getMethod(methodId)
  const p = resolveParams(m.params, params, m.id)
  if (m.kind !== 'spatial') return { type: 'result', result: ownResult(m.run(video, budget, p, ctx)) }
  const n = patchCount(video.grid)
  const perFrame = new Int32Array(video.tokens.length)
  let calls = 0
  let plain = true
  const recorder: SpatialMethod = {
    ...m,
    frame(_input, keep, frameParams, frameCtx) {
      calls++
      // A run that changes params or context per frame is not the plain split: run it whole.
      if (frameParams !== p || frameCtx.seed !== ctx.seed || frameCtx.query !== ctx.query) plain = false
      perFrame[frameCtx.frameIndex] = keep
      return { groups: new Int32Array(n).fill(-1), features: new Float32Array(0) }
    },
  }
  let result: MethodResult | undefined
  try {
    result = m.run.call(recorder, video, budget, p, ctx)
  } catch (e) {
    if (calls === 0) throw e
    plain = false // the run's own code choked on the empty frames
  }
  if (calls === 0) return { type: 'result', result: ownResult(result!) }
  if (!plain) return { type: 'result', result: ownResult(m.run(video, budget, p, ctx)) }
  return { type: 'plan', perFrame }
}

/** Step 2: frame() for frames from ≤ t < to with perFrame[t] > 0, packed. */
export function runFrames(video: VideoTokens, method: SpatialMethod, params: ParamValues, ctx: MethodContext, perFrame: Int32Array, from: number, to: number): PackedFrames {
  const n = patchCount(video.grid)
  const d = video.dim
  const frames: number[] = []
  const results: FrameResult[] = []
  for (let t = from; t < to; t++) {
    if (perFrame[t] <= 0) continue
    frames.push(t)
    results.push(method.frame(frameInput(video, t), perFrame[t], params, { ...ctx, frameIndex: t }))
  }
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
  } else if (reply.type === 'plan') {
    arrays.push(reply.perFrame)
  }
  const buffers = new Set<ArrayBuffer>()
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer)
  return [...buffers]
}
