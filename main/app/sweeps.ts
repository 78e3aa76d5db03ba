/**
 * `sweep:run` / `sweep:cancel`: budget sweeps of an open video (compute/sweep.ts), one point after
 * another in the method workers, with a `sweep:progress` event after each. A cancelled sweep
 * answers the points it finished. What a point carries back is small: the report, the metrics
 * and the method's keyframes (the UI scores them against any annotation set); token maps and
 * features stay in main. As `method:run`, a sweep streams the tokens from the video's token cache
 * and keeps what the methods prepare in the app's prepared-data store, so its points and the
 * single runs around it start from each other's budget-independent work.
 */
import type { SweepPoint, SweepRequest, SweepResult } from '../../common/ipc/contract'
import type { Budget } from '../../common/compression/types'
import { methodKeyframes } from '../../common/metrics/index'
import { runSweep, type SweepOutcome } from '../compute/sweep'
import type { PreparedStore } from '../compute/prepared-store'
import { cacheFolder } from '../analysis/analyze'
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

export function createSweeps(videos: OpenVideos, emit: Emit, embedder: QueryEmbedder, cacheDir: string, store: PreparedStore): Sweeps {
  const running = new Map<string, AbortController>()
  return {
    async run({ videoKey, methods, budgets, seed, llm, query, sweepId }) {
      if (running.has(sweepId)) throw new AppError('busy', `A sweep named ${sweepId} is already running`)
      const controller = new AbortController()
      running.set(sweepId, controller)
      const points: SweepPoint[] = []
      try {
        const v = videos.get(videoKey)
        if (v.framesReady === 0) throw new AppError('not-ready', 'No frames are encoded yet; wait for the analysis to make progress')
        const source = { cacheDir: cacheFolder(cacheDir, videoKey), frames: v.framesReady }
        // As method:run: a model without a text tower gets no query (the methods that need one say so).
        const entries = []
        for (const m of methods) entries.push({ ...m, query: query && v.model.text ? await textQueryFor(embedder, v.model, m.methodId, m.params, query) : undefined })
        await runSweep(
          source,
          entries,
          budgets.map((ratio) => ({ ratio })),
          { seed, metrics: { llm }, signal: controller.signal, prepared: { store, cacheKey: videoKey }, onProgress: (done, total, methodId, budget) => emit('sweep:progress', { sweepId, done, total, methodId, budget: shareOf(budget) }) },
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
