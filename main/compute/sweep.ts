/**
 * A budget sweep: every method at every budget, as a thin loop over evaluateMethod (the path a
 * single run takes, through the method engine's runner and plan), so the engine's speed-ups reach
 * sweeps unchanged. The tokens come as a single run takes them: streamed from the token cache
 * ({ cacheDir, frames }, as the app runs methods), or a video in memory, put into shared memory
 * once for the whole sweep. What the methods prepare (budget-independent work: rankings, merge
 * orders, scene cuts) is kept in a prepared-data store under `prepared.cacheKey`, the app's own
 * store when given (so the sweep and later single runs serve each other), else one for this
 * sweep: method by method, then budget by budget, each method's later budgets start from what its
 * first prepared.
 *
 * A point whose method cannot run here (e.g. needs class attention) records its error and the
 * sweep goes on; aborting stops it and rejects with the signal's reason.
 */
import type { Budget, ParamValues, TextQuery } from '../../common/compression/types'
import type { MetricsOptions } from '../../common/metrics/index'
import type { TokenSource } from './jobs'
import { type Evaluation, evaluateMethod } from './evaluate'
import { type RunInWorkerOptions, shareVideo } from './run-method'
import { createPreparedStore } from './prepared-store'

export interface SweepEntry {
  methodId: string
  params: ParamValues
  /** The text query as this method receives it (prompt-guided methods), and its relevance metric. */
  query?: TextQuery
}

export interface SweepOptions {
  seed: number
  metrics?: MetricsOptions
  signal?: AbortSignal
  /** Where prepared data is kept (default: a store of this sweep's own). */
  prepared?: RunInWorkerOptions['prepared']
  /** After each point: points done so far and in all. */
  onProgress?: (done: number, total: number, methodId: string, budget: Budget) => void
}

/** One point of a sweep: its evaluation, or the error of a point that could not run. */
export type SweepOutcome = { methodId: string; budget: Budget } & ({ evaluation: Evaluation; error?: undefined } | { error: Error; evaluation?: undefined })

/**
 * Runs `methods` × `budgets`; `keep` turns each evaluation (or the error of a point that could not
 * run) into what the caller keeps, so a sweep never holds every result's features at once.
 */
export async function runSweep<T>(
  video: TokenSource,
  methods: readonly SweepEntry[],
  budgets: readonly Budget[],
  opts: SweepOptions,
  keep: (point: SweepOutcome) => T,
): Promise<T[]> {
  const shared = 'cacheDir' in video ? video : shareVideo(video)
  const prepared = opts.prepared ?? { store: createPreparedStore(), cacheKey: 'this sweep' }
  const total = methods.length * budgets.length
  const out: T[] = []
  for (const { methodId, params, query } of methods) {
    for (const budget of budgets) {
      opts.signal?.throwIfAborted()
      let point: SweepOutcome
      try {
        point = { methodId, budget, evaluation: await evaluateMethod(shared, methodId, budget, params, { seed: opts.seed, query }, { ...opts.metrics, query: query?.embedding }, opts.signal, prepared) }
      } catch (e) {
        if (opts.signal?.aborted) throw opts.signal.reason
        point = { methodId, budget, error: e instanceof Error ? e : new Error(String(e)) }
      }
      out.push(keep(point))
      opts.onProgress?.(out.length, total, methodId, budget)
    }
  }
  return out
}
