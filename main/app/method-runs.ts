/**
 * `method:run`: a compression method and its metrics on an open video's tokens, computed in the
 * method workers. A run with a UI slot replaces the one still computing for the same video and
 * slot (that one is aborted and answers 'superseded'), so a budget dragged across a long video
 * never queues minutes of stale work.
 */
import type { RunMethodRequest, RunMethodResponse } from '../../common/ipc/contract'
import { encodeTokenMap } from '../../common/codec/token-map-codec'
import { frameShare } from '../../common/token-map'
import { evaluateMethod } from '../compute/evaluate'
import { shutdownMethodWorkers } from '../compute/run-method'
import { AppError } from './errors'
import type { OpenVideos } from './open-videos'
import type { QueryEmbedder } from '../text/text-client'
import { textQueryFor } from '../text/query-context'

export interface MethodRuns {
  run(req: RunMethodRequest): Promise<RunMethodResponse>
  /** Aborts the runs in flight and stops the method workers. */
  close(): Promise<void>
}

export function createMethodRuns(videos: OpenVideos, embedder: QueryEmbedder): MethodRuns {
  /** The run still computing per video and UI slot. */
  const slotRuns = new Map<string, AbortController>()

  /** Aborts the run this one replaces, if any; `done` forgets this run once it has ended. */
  const supersede = (key: string | undefined) => {
    const controller = new AbortController()
    if (key === undefined) return { signal: controller.signal, done: () => {} }
    slotRuns.get(key)?.abort(new AppError('superseded', 'A newer run of this slot replaced this one'))
    slotRuns.set(key, controller)
    return { signal: controller.signal, done: () => slotRuns.get(key) === controller && slotRuns.delete(key) }
  }

  return {
    async run({ videoKey, methodId, budget, params, seed, llm, query, slot }) {
      const { signal, done } = supersede(slot === undefined ? undefined : `${videoKey}\0${slot}`)
      try {
        const v = videos.get(videoKey)
        const video = await videos.tokensOf(v)
        // A model without a text tower gets no query: the methods that need one say so, and how to get one.
        const textQuery = query && v.model.text ? await textQueryFor(embedder, v.model, methodId, params, query) : undefined
        signal.throwIfAborted()
        const { result, metrics, elapsedMs } = await evaluateMethod(video, methodId, budget, params, { seed, query: textQuery }, { llm, query: textQuery?.embedding }, signal)
        return { map: encodeTokenMap(result.map), report: result.report, metrics, frameShare: frameShare(result.map), elapsedMs }
      } finally {
        done()
      }
    },
    async close() {
      for (const run of slotRuns.values()) run.abort(new AppError('cancelled', 'TokenScope is closing'))
      await shutdownMethodWorkers()
    },
  }
}
