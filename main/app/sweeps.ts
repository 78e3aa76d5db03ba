/**
 * `sweep:run` / `sweep:cancel`: budget sweeps of an open video (compute/sweep.ts), one point after
 * another in the method workers, with a `sweep:progress` event after each. A cancelled sweep
 * answers the points it finished. What a point carries back is small: the report, the metrics
 * and the method's keyframes (the UI scores them against any annotation set); token maps and
 * features stay in main.
 */
import type { SweepPoint, SweepRequest, SweepResult } from '../../common/ipc/contract'
import type { Budget } from '../../common/compression/types'
import { methodKeyframes } from '../../common/metrics/index'
import { runSweep, type SweepOutcome } from '../compute/sweep'
import { AppError } from './errors'
import type { Emit } from './events'
import type { OpenVideos } from './open-videos'
import type { QueryEmbedder } from '../text/text-client'
import { textQueryFor } from '../text/query-context'

export interface Sweeps {
  run(req: SweepRequest): Promise<SweepResult>
  cancel(sweepId: string): void
  /** Cancels every running sweep. */
  close(): void
}

/** A sweep's budgets are shares of the input tokens. */
const shareOf = (b: Budget): number => ('ratio' in b ? b.ratio : 0)

/** What a sweep point sends to the UI. */
export function sweepPointOf(p: SweepOutcome): SweepPoint {
  const budget = shareOf(p.budget)
  if (p.error) return { methodId: p.methodId, budget, error: p.error.message }
  const { result, metrics } = p.evaluation
  return { methodId: p.methodId, budget, report: result.report, metrics, keyframes: Int32Array.from(methodKeyframes(result)) }
}

export function createSweeps(videos: OpenVideos, emit: Emit, embedder: QueryEmbedder): Sweeps {
  const running = new Map<string, AbortController>()
  return {
    async run({ videoKey, methods, budgets, seed, llm, query, sweepId }) {
      if (running.has(sweepId)) throw new AppError('busy', `A sweep named ${sweepId} is already running`)
      const controller = new AbortController()
      running.set(sweepId, controller)
      const points: SweepPoint[] = []
      try {
        const v = videos.get(videoKey)
        const video = await videos.tokensOf(v)
        // As method:run: a model without a text tower gets no query (the methods that need one say so).
        const entries = []
        for (const m of methods) entries.push({ ...m, query: query && v.model.text ? await textQueryFor(embedder, v.model, m.methodId, m.params, query) : undefined })
        await runSweep(
          video,
          entries,
          budgets.map((ratio) => ({ ratio })),
          { seed, metrics: { llm }, signal: controller.signal, onProgress: (done, total, methodId, budget) => emit('sweep:progress', { sweepId, done, total, methodId, budget: shareOf(budget) }) },
          (p) => {
            const point = sweepPointOf(p)
            points.push(point)
            return point
          },
        )
        return { sweepId, points, cancelled: false }
      } catch (e) {
        if (controller.signal.aborted) return { sweepId, points, cancelled: true }
        throw e
      } finally {
        running.delete(sweepId)
      }
    },
    cancel(sweepId) {
      running.get(sweepId)?.abort(new AppError('cancelled', 'The sweep was cancelled'))
    },
    close() {
      for (const c of running.values()) c.abort(new AppError('cancelled', 'TokenScope is closing'))
    },
  }
}
