/**
 * `method:run`: a compression method and its metrics on an open video's tokens, computed in the
 * method workers. A run with a UI slot replaces the one still computing for the same video and
 * slot (that one is aborted and answers 'superseded'), so a budget dragged across a long video
 * never queues minutes of stale work. Runs stream the tokens from the video's token cache (memory
 * stays flat in the video's length) and keep what the methods prepare (issue 11's engine), so a
 * budget change of the same method starts from it.
 */
import type { RunMethodRequest, RunMethodResponse } from '../../common/ipc/contract'
import { encodeTokenMap } from '../../common/codec/token-map-codec'
import { frameShare } from '../../common/token-map'
import { evaluateMethod } from '../compute/evaluate'
import { shutdownMethodWorkers } from '../compute/run-method'
import { createPreparedStore, type PreparedStore } from '../compute/prepared-store'
import { cacheFolder } from '../analysis/analyze'
import { AppError } from './errors'
import type { OpenVideos } from './open-videos'
import type { QueryEmbedder } from '../text/text-client'
import { textQueryFor } from '../text/query-context'

export interface MethodRuns {
  run(req: RunMethodRequest): Promise<RunMethodResponse>
  /** Aborts the runs in flight and stops the method workers. */
  close(): Promise<void>
}

/** `store`: the prepared data kept for the app's runs (shared with its sweeps). */
export function createMethodRuns(videos: OpenVideos, embedder: QueryEmbedder, cacheDir: string, store: PreparedStore = createPreparedStore()): MethodRuns {
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
        if (v.framesReady === 0) throw new AppError('not-ready', 'No frames are encoded yet; wait for the analysis to make progress')
        const source = { cacheDir: cacheFolder(cacheDir, videoKey), frames: v.framesReady }
        // A model without a text tower gets no query: the methods that need one say so, and how to get one.
        const textQuery = query && v.model.text ? await textQueryFor(embedder, v.model, methodId, params, query) : undefined
        signal.throwIfAborted()
        const ctx = { seed, query: textQuery }
        const { result, metrics, elapsedMs } = await evaluateMethod(source, methodId, budget, params, ctx, { llm, query: textQuery?.embedding }, signal, { store, cacheKey: videoKey })
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
