/**
 * A budget sweep: every method at every budget, as a thin loop over evaluateMethod (the path a
 * single run takes), so the method engine's speed-ups reach sweeps unchanged. What a sweep shares
 * across its runs: the video's tokens, put into shared memory once (each run would otherwise
 * copy them), and the method workers, which stay up between runs (run-method.ts keeps them idle).
 * Method by method, then budget by budget, so work a method caches per video serves its budgets.
 *
 * A point whose method cannot run here (e.g. needs class attention) records its error and the
 * sweep goes on; aborting stops it and rejects with the signal's reason.
 */
import type { Budget, ParamValues, TextQuery } from '../../common/compression/types'
import type { MetricsOptions } from '../../common/metrics/index'
import type { VideoTokens } from '../../common/tokens'
import { type Evaluation, evaluateMethod } from './evaluate'
import { shareVideo } from './run-method'

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
  video: VideoTokens,
  methods: readonly SweepEntry[],
  budgets: readonly Budget[],
  opts: SweepOptions,
  keep: (point: SweepOutcome) => T,
): Promise<T[]> {
  const shared = shareVideo(video)
  const total = methods.length * budgets.length
  const out: T[] = []
  for (const { methodId, params, query } of methods) {
    for (const budget of budgets) {
      opts.signal?.throwIfAborted()
      let point: SweepOutcome
      try {
        point = { methodId, budget, evaluation: await evaluateMethod(shared, methodId, budget, params, { seed: opts.seed, query }, { ...opts.metrics, query: query?.embedding }, opts.signal) }
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
