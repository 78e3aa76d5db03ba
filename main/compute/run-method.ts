import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { VideoTokens } from '../../common/tokens'
import { patchCount } from '../../common/tokens'
import { resolveRun } from '../../common/compression/registry'
import { planOf } from '../../common/compression/plan'
import { mergePrepared, packPrepared, preparedAt } from '../../common/compression/prepared'
import { allocatingStage, assembleMap, assembleRun, checkRunNeeds, evenAllocation, frameStageOf, runsWhole, type FrameGroups } from '../../common/compression/runner'
import { type Allocation, type Budget, type FrameResult, type MethodContext, MethodInputError, type MethodResult, type ParamValues } from '../../common/compression/types'
import type { Metrics, MetricsOptions } from '../../common/metrics/index'
import { streamedVideo } from '../cache/streamed-video'
import { spawnWorker } from '../workers/spawn'
import { unpackFrames, type MethodsJob, type MethodsReply, type PackedFrames, type TokenSource } from './jobs'
import type { PreparedStore } from './prepared-store'

/**
 * Runs a compression method off the main thread, with the same result as `runMethod` in-process:
 * the runner's steps (common/compression/runner.ts), each done once. This thread resolves the run
 * and the plan (no method code); a per-frame run then gets its allocation (from one worker when a
 * frame-selection stage decides it), the workers apply the frame stage over contiguous frame
 * ranges in parallel, and this thread assembles their results. A run done in one piece (a video
 * method, dtome's calibration) runs in one worker.
 *
 * Tokens: a video in memory is copied once into one SharedArrayBuffer that every worker reads; a
 * video in the token cache ({ cacheDir, frames }) is streamed by each worker from disk, a few
 * chunks at a time (main/cache/streamed-video.ts), so memory stays flat in the video's length.
 *
 * Prepared data (issue 11, item 3): with `prepared`, what the stages prepare (frame-selection
 * features, per-frame orderings) is kept in the store under the video's key, the method, its
 * parameters and seed, and later runs start from it; `runMethodMap` then answers a budget change
 * with the token map alone, from the prepared data, reading no tokens at all, in one job of one
 * worker (allocation, groups and assembly together: one message each way, nothing on this thread).
 */

export interface RunInWorkerOptions {
  /** Worker threads for per-frame work (default min(2, cores)). */
  workers?: number
  /** Aborting terminates the workers and rejects with the signal's reason. */
  signal?: AbortSignal
  /** Keep prepared data in `store` for the tokens named `cacheKey` (their content, model and sampling), and start from it. */
  prepared?: { store: PreparedStore; cacheKey: string }
}

export const defaultWorkerCount = (): number => Math.max(1, Math.min(2, availableParallelism()))

const WORKER = 'compute/methods-worker'

export async function runMethodInWorker(
  video: TokenSource,
  methodId: string,
  budget: Budget,
  params: ParamValues,
  ctx: MethodContext,
  opts: RunInWorkerOptions = {},
): Promise<MethodResult> {
  return (await runOffThread(video, methodId, budget, params, ctx, opts, false)) as MethodResult
}

/**
 * The token map and report of a run, without output features: from prepared data alone when the
 * store has all the run needs (a budget change after a first run), else by running the method.
 */
export function runMethodMap(
  video: TokenSource,
  methodId: string,
  budget: Budget,
  params: ParamValues,
  ctx: MethodContext,
  opts: RunInWorkerOptions = {},
): Promise<Pick<MethodResult, 'map' | 'report'>> {
  return runOffThread(video, methodId, budget, params, ctx, opts, true)
}

async function runOffThread(
  source: TokenSource,
  methodId: string,
  budget: Budget,
  params: ParamValues,
  ctx: MethodContext,
  opts: RunInWorkerOptions,
  mapOnly: boolean,
): Promise<Pick<MethodResult, 'map' | 'report'> & { features?: Float32Array }> {
  const { signal } = opts
  signal?.throwIfAborted()
  const spec = resolveRun(methodId, params)
  const streamed = 'cacheDir' in source ? streamedVideo(source.cacheDir, { frames: source.frames }) : undefined
  const video = streamed?.video ?? (source as VideoTokens)
  const pool = workerPool(signal)
  try {
    const importanceSource = checkRunNeeds(spec, video, ctx)
    const plan = planOf(video, budget)
    const n = patchCount(video.grid)
    const shared = streamed ? source : shareVideo(video)
    const expect = <T extends MethodsReply['type']>(r: MethodsReply, ...types: T[]) => {
      if (!(types as string[]).includes(r.type)) throw new Error(`methods worker: unexpected reply '${r.type}'`)
      return r as Extract<MethodsReply, { type: T }>
    }
    const keyOf = (stageId: string, stageParams: ParamValues, seeded: boolean) =>
      opts.prepared && [opts.prepared.cacheKey, plan.frames, stageId, JSON.stringify(stageParams), seeded ? ctx.seed : '', ctx.query ? JSON.stringify([ctx.query.text, Object.keys(ctx.query.prompts ?? {})]) : ''].join('\0')
    const store = opts.prepared?.store
    const first = pool.spawn()
    const base = { video: shared, methodId, params, plan, ctx }
    // Start the other workers while the first one works: their start-up overlaps it.
    const wanted = spec.kind === 'video' ? 1 : Math.max(1, Math.min(opts.workers ?? defaultWorkerCount(), plan.frames))
    const others = Array.from({ length: wanted - 1 }, () => pool.spawn())
    if (runsWhole(spec)) {
      const whole = expect(await pool.request(first, { type: 'whole', ...base }), 'result', 'per-frame')
      if (whole.type === 'result') return whole.result
    }

    const allocating = allocatingStage(spec)
    const allocKey = allocating ? keyOf(allocating.method.id, allocating.params, false) : undefined
    const allocKept = allocKey ? store?.get(allocKey) : undefined
    const stage = frameStageOf(spec)
    const preparable = !!stage?.method.prepare && !!stage.method.groups
    const stageKey = stage && preparable ? keyOf(stage.method.id, stage.params, true) : undefined
    const kept = stageKey ? store?.get(stageKey) : undefined
    let alloc: Allocation | undefined
    // A budget change with every stage's prepared data kept (an allocation that prepares nothing is plain arithmetic on the plan, or reads what it needs itself): one job.
    if (mapOnly && (!allocating || allocKept || !allocating.method.prepare) && (!stage || kept)) {
      const job = { type: 'map' as const, ...base, importanceSource, allocationPrepared: allocKept && preparedAt(allocKept, 0), prepared: kept }
      const reply = expect(await pool.request(first, job), 'map', 'allocation')
      if (reply.type === 'map') return { map: reply.map, report: reply.report }
      alloc = reply.allocation
    }
    if (!alloc && allocating) {
      const reply = expect(await pool.request(first, { type: 'allocate', ...base, prepared: allocKept && preparedAt(allocKept, 0) }), 'allocation')
      if (allocKey && reply.prepared) store?.set(allocKey, packPrepared(0, [reply.prepared], true))
      alloc = reply.allocation
    }
    alloc ??= evenAllocation(plan)

    const workers = [first, ...others]
    const ranges = frameRanges(alloc.perFrame, wanted)
    const allocData = { perFrame: alloc.perFrame, mergedInto: alloc.mergedInto }
    const toGroups = (replies: MethodsReply[]) => {
      const frames = new Map<number, FrameGroups>()
      for (const r of replies) {
        const packed = expect(r, 'frames')
        packed.frames.forEach((t, i) => {
          const derived = packed.derived[i]
          frames.set(t, { groups: packed.groups.subarray(i * n, (i + 1) * n), count: packed.counts[i], ...(derived ? { derived } : {}) })
        })
      }
      return frames
    }
    const replies = await Promise.all(
      ranges.map(([from, to], i) =>
        pool.request(workers[i], {
          type: 'frames',
          video: shared,
          methodId,
          params,
          ctx,
          alloc: allocData,
          from,
          to,
          prepared: kept,
          keepPrepared: !!stageKey && !!store,
          features: !mapOnly,
        }),
      ),
    )
    const fresh = replies.flatMap((r) => (r.type === 'frames' && r.prepared ? [r.prepared] : []))
    if (stageKey && store && fresh.length) store.set(stageKey, mergePrepared(plan.frames, kept ? [kept, ...fresh] : fresh))
    if (mapOnly) return assembleMap(spec, video.grid, plan.frames, plan, alloc, toGroups(replies), importanceSource)
    const results = new Map<number, FrameResult>()
    for (const r of replies) for (const [t, fr] of unpackFrames(expect(r, 'frames') as PackedFrames, n, video.dim)) results.set(t, fr)
    return assembleRun(spec, video, plan, alloc, results, importanceSource)
  } finally {
    pool.release()
    streamed?.close()
  }
}

/** computeMetrics (common/metrics) in a worker thread: the same record, off the main thread. */
export async function computeMetricsInWorker(
  video: TokenSource,
  result: MethodResult,
  metricsOpts: MetricsOptions = {},
  opts: { signal?: AbortSignal } = {},
): Promise<Metrics> {
  opts.signal?.throwIfAborted()
  const pool = workerPool(opts.signal)
  try {
    const reply = await pool.request(pool.spawn(), { type: 'metrics', video: 'cacheDir' in video ? video : shareVideo(video), result, opts: metricsOpts })
    if (reply.type !== 'metrics') throw new Error(`methods worker: unexpected reply '${reply.type}'`)
    return reply.metrics
  } finally {
    pool.release()
  }
}

/**
 * Up to `parts` contiguous [from, to) frame ranges holding about the same number of frames with
 * a budget (perFrame[t] > 0); at least one range, even when no frame has a budget.
 */
export function frameRanges(perFrame: Int32Array, parts: number): [number, number][] {
  const active: number[] = []
  perFrame.forEach((k, t) => k > 0 && active.push(t))
  const count = Math.max(1, Math.min(parts, active.length))
  if (!active.length) return [[0, perFrame.length]]
  const out: [number, number][] = []
  for (let i = 0; i < count; i++) {
    const a = Math.floor((i * active.length) / count)
    const b = Math.floor(((i + 1) * active.length) / count)
    out.push([i === 0 ? 0 : active[a], i === count - 1 ? perFrame.length : active[b]])
  }
  return out
}

/**
 * `video` with tokens, cls, importance and the text-space embeddings viewing one SharedArrayBuffer (copied once; returned
 * as is when already so), so posting it to several workers shares the memory instead of copying.
 */
export function shareVideo(video: VideoTokens): VideoTokens {
  const groups = [video.tokens, video.cls ?? [], video.importance ?? [], video.frameEmbeds ?? [], video.patchEmbeds ?? []]
  const arrays = groups.flat()
  if (arrays.length && arrays.every((a) => a.buffer instanceof SharedArrayBuffer && a.buffer === arrays[0].buffer)) return video
  const sab = new SharedArrayBuffer(4 * arrays.reduce((s, a) => s + a.length, 0))
  let off = 0
  const copy = (a: Float32Array) => {
    const view = new Float32Array(sab, off * 4, a.length)
    view.set(a)
    off += a.length
    return view
  }
  return {
    ...video,
    tokens: video.tokens.map(copy),
    cls: video.cls?.map(copy),
    importance: video.importance?.map(copy),
    frameEmbeds: video.frameEmbeds?.map(copy),
    patchEmbeds: video.patchEmbeds?.map(copy),
  }
}

/**
 * Idle workers kept for the next run (spawning one costs tens of milliseconds built, about a second
 * from source with tsx). Idle workers are unref'd, so they never keep the process alive.
 */
const idle: Worker[] = []
const MAX_IDLE = 4

/** Terminates the idle workers (app shutdown, tests). Runs in progress keep theirs. */
export async function shutdownMethodWorkers(): Promise<void> {
  await Promise.all(idle.splice(0).map((w) => w.terminate()))
}

function freshWorker(): Worker {
  const w = spawnWorker(WORKER)
  w.on('error', () => {}) // reported through request(); the worker then exits
  w.once('exit', () => {
    const i = idle.indexOf(w)
    if (i >= 0) idle.splice(i, 1)
  })
  return w
}

/**
 * The workers of one run, taken from the idle list or spawned: each request is one job and its
 * reply. release() returns them to the idle list; on abort they are terminated instead.
 */
function workerPool(signal?: AbortSignal) {
  const leased: Worker[] = []
  /** Workers with a job in flight: never handed to another run, whose request would get this job's reply. */
  const busy = new Set<Worker>()
  let rejectAborted: (reason: unknown) => void = () => {}
  const aborted = new Promise<never>((_, reject) => (rejectAborted = reject))
  aborted.catch(() => {}) // only observed through request()
  const onAbort = () => {
    for (const w of leased) void w.terminate()
    rejectAborted(signal?.reason)
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  return {
    spawn(): Worker {
      const w = idle.pop() ?? freshWorker()
      w.ref()
      leased.push(w)
      return w
    },
    request(w: Worker, job: MethodsJob): Promise<MethodsReply> {
      const reply = new Promise<MethodsReply>((resolve, reject) => {
        const cleanup = () => {
          busy.delete(w)
          w.off('message', onMessage)
          w.off('error', onError)
          w.off('exit', onExit)
        }
        const onMessage = (r: MethodsReply) => {
          cleanup()
          if (r.type === 'error') reject(rebuildError(r))
          else resolve(r)
        }
        const onError = (e: Error) => {
          cleanup()
          reject(e)
        }
        const onExit = (code: number) => {
          cleanup()
          reject(signal?.aborted ? signal.reason : new Error(`methods worker exited (code ${code}) before replying`))
        }
        w.on('message', onMessage)
        w.on('error', onError)
        w.on('exit', onExit)
        busy.add(w)
        w.postMessage(job)
      })
      return signal ? Promise.race([reply, aborted]) : reply
    },
    /** Idle workers go back to the idle list; busy ones (a sibling failed) and all of an aborted run are terminated. */
    release(): void {
      signal?.removeEventListener('abort', onAbort)
      for (const w of leased) {
        if (w.threadId < 0) continue // exited
        if (signal?.aborted || busy.has(w) || idle.length >= MAX_IDLE) void w.terminate()
        else {
          w.unref()
          idle.push(w)
        }
      }
    },
  }
}

/** A worker's error as an Error of the same kind (MethodInputError stays one, so callers can tell bad input from bugs). */
function rebuildError(r: Extract<MethodsReply, { type: 'error' }>): Error {
  const e = r.name === 'MethodInputError' ? new MethodInputError(r.message) : new Error(r.message)
  if (r.name !== 'MethodInputError' && r.name !== 'Error') e.name = r.name
  if (r.stack) e.stack = `${e.name}: ${r.message}\n    (in methods worker)\n${r.stack.split('\n').slice(1).join('\n')}`
  return e
}
