/**
 * Analysis jobs: `analysis:start` opens a video (probe, model, cache key) and, unless its token
 * cache is complete, analyzes it in the background, reporting through `analysis:progress`; one
 * job per open video at a time. `analysis:cancel` stops a job; the frames encoded so far stay in
 * the cache and the next start resumes from them.
 */
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import type { AnalysisProgress, AnalyzeRequest, VideoSession } from '../../common/ipc/contract'
import { analyzeVideo, expectedFrames, openCacheOf, videoKeyFor } from '../analysis/analyze'
import type { ModelEntry } from '../encoder/manifest'
import { probeVideo } from '../video/probe'
import { toApiError } from './errors'
import type { Emit } from './events'
import { type AnalysisJob, type OpenVideo, type OpenVideos, snapshotOf } from './open-videos'

export interface AnalysisJobsOptions {
  cacheDir: string
  videos: OpenVideos
  emit: Emit
  model: (id: string) => Promise<ModelEntry>
  /** Called with each video opened (the recent-videos list). */
  opened: (path: string) => Promise<void>
}

export interface AnalysisJobs {
  start(req: AnalyzeRequest): Promise<VideoSession>
  /** Stops the job and waits for it; a job that already ended (or is unknown) is simply stopped. */
  cancel(jobId: string): Promise<void>
  /** Stops every running job and waits for them. */
  close(): Promise<void>
}

export function createAnalysisJobs({ cacheDir, videos, emit, model, opened }: AnalysisJobsOptions): AnalysisJobs {
  const progress = (v: OpenVideo, phase: AnalysisProgress['phase'], extra: Partial<AnalysisProgress> = {}): AnalysisProgress => ({
    jobId: v.jobId,
    videoKey: v.videoKey,
    phase,
    framesDone: v.framesReady,
    framesTotal: v.framesTotal,
    framesPerSecond: 0,
    etaSeconds: 0,
    ...extra,
  })

  /** Runs the analysis of `v` in the background, reporting through `analysis:progress`. */
  const run = (v: OpenVideo, provider: AnalyzeRequest['provider']): AnalysisJob => {
    const controller = new AbortController()
    const jobId = v.jobId
    const done = analyzeVideo({
      path: v.path,
      modelId: v.modelId,
      sampling: v.sampling,
      cacheDir,
      provider,
      signal: controller.signal,
      onFrames: (ready) => {
        v.framesReady = ready
        v.stale = true
      },
      onProgress: (p) => {
        v.framesReady = p.framesDone
        v.framesTotal = p.framesTotal
        emit('analysis:progress', progress(v, 'encoding', { framesPerSecond: p.framesPerSecond, etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : -1, provider: p.provider, resumed: p.resumed }))
      },
    })
      .then(
        (summary) => {
          v.framesReady = summary.frames
          v.framesTotal = summary.frames
          v.complete = summary.complete
          v.stale = true
          emit('analysis:progress', progress(v, 'done', { provider: summary.provider, resumed: summary.resumed, message: summary.warning }))
        },
        (e: unknown) => {
          v.stale = true
          if (controller.signal.aborted) emit('analysis:progress', progress(v, 'cancelled', { message: 'Analysis cancelled; the frames encoded so far are kept and the next analysis resumes from them' }))
          else emit('analysis:progress', progress(v, 'error', { message: toApiError(e).message }))
        },
      )
      .finally(() => {
        if (v.job?.jobId === jobId) v.job = undefined
      })
    return { jobId, controller, done }
  }

  const running = () => videos.all().flatMap((v) => (v.job ? [v.job] : []))

  return {
    async start(req) {
      const path = resolve(req.path)
      const info = await probeVideo(path)
      const entry = await model(req.modelId)
      const videoKey = await videoKeyFor(path, entry.id, req.sampling)
      await opened(path)
      const before = videos.find(videoKey)
      if (before?.job) return snapshotOf(before)

      const cache = openCacheOf(videoKey, cacheDir)
      const framesReady = cache?.framesReady ?? 0
      const complete = cache?.header.complete ?? false
      cache?.close()
      const v = videos.open({
        videoKey,
        path,
        modelId: entry.id,
        sampling: req.sampling,
        info,
        model: entry,
        jobId: randomUUID(),
        framesReady,
        framesTotal: complete ? framesReady : Math.max(framesReady, expectedFrames(info, req.sampling)),
        complete,
      })
      if (complete) {
        // Listeners may subscribe after this call returns: tell them on the next turn.
        setImmediate(() => emit('analysis:progress', progress(v, 'done', { message: 'loaded from the token cache' })))
      } else {
        v.job = run(v, req.provider)
      }
      return snapshotOf(v)
    },

    async cancel(jobId) {
      const job = running().find((j) => j.jobId === jobId)
      if (!job) return
      job.controller.abort()
      await job.done
    },

    async close() {
      const jobs = running()
      for (const job of jobs) job.controller.abort()
      await Promise.allSettled(jobs.map((j) => j.done))
    },
  }
}
