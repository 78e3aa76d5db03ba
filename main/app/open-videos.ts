/**
 * The videos open in the app, by videoKey: the file, model and sampling each was opened with, its
 * analysis progress and running job, and its cached tokens. Tokens are read from the token cache
 * on first use and, while an analysis appends frames, extended with the new frames only (the
 * cache is append-only), not read again. Only the LOADED_MAX most recently used videos keep
 * their tokens in memory (an hour of video is hundreds of MB of tokens).
 */
import type { VideoSession } from '../../common/ipc/contract'
import type { VideoTokens } from '../../common/tokens'
import type { Sampling, VideoInfo } from '../../common/video'
import { openCacheOf } from '../analysis/analyze'
import type { ModelEntry } from '../encoder/manifest'
import { AppError } from './errors'

const LOADED_MAX = 3

/** An analysis running in the background (analysis-jobs.ts); aborting its controller stops it. */
export interface AnalysisJob {
  jobId: string
  controller: AbortController
  done: Promise<void>
}

export interface OpenVideo {
  videoKey: string
  path: string
  modelId: string
  sampling: Sampling
  info: VideoInfo
  model: ModelEntry
  /** The last analysis started for it (the id its progress events carry). */
  jobId: string
  framesReady: number
  framesTotal: number
  complete: boolean
  job?: AnalysisJob
  /** The cached frames as last loaded; `stale` once the analysis appended more. */
  tokens?: VideoTokens
  stale: boolean
  loading?: Promise<VideoTokens>
  lastUsed: number
}

/** What opening a video sets; the rest (its loaded tokens) an open video keeps when opened again. */
export type OpenVideoFields = Pick<OpenVideo, 'videoKey' | 'path' | 'modelId' | 'sampling' | 'info' | 'model' | 'jobId' | 'framesReady' | 'framesTotal' | 'complete'>

export interface OpenVideos {
  /** The open video of `videoKey` (marked as used); an AppError 'no-session' when it is not open. */
  get(videoKey: string): OpenVideo
  /** The open video of `videoKey`, if any. */
  find(videoKey: string): OpenVideo | undefined
  /** Opens a video, or opens an open one again with new fields (its loaded tokens kept while they still match the cache). */
  open(fields: OpenVideoFields): OpenVideo
  all(): OpenVideo[]
  /** The video's cached frames, loaded (or extended) when the analysis has appended since. */
  tokensOf(video: OpenVideo): Promise<VideoTokens>
}

export function createOpenVideos(cacheDir: string): OpenVideos {
  const videos = new Map<string, OpenVideo>()
  let useCounter = 0

  /** The frames in the cache now: the loaded ones plus those appended since, or all of them. */
  const readCachedFrames = async (v: OpenVideo): Promise<VideoTokens | null> => {
    const cache = openCacheOf(v.videoKey, cacheDir)
    if (!cache) return null
    try {
      const ready = cache.framesReady
      const have = v.tokens?.tokens.length ?? 0
      if (!ready) return null
      if (!v.tokens || have === 0 || have > ready) return cache.read(0, ready)
      return have === ready ? v.tokens : appendFrames(v.tokens, cache.read(have, ready - have))
    } finally {
      cache.close()
    }
  }

  const evictTokens = () => {
    const loaded = [...videos.values()].filter((v) => v.tokens).sort((a, b) => b.lastUsed - a.lastUsed)
    for (const v of loaded.slice(LOADED_MAX)) v.tokens = undefined
  }

  return {
    get(videoKey) {
      const v = videos.get(videoKey)
      if (!v) throw new AppError('no-session', 'This video is not open any more; open and analyze it again')
      v.lastUsed = ++useCounter
      return v
    },
    find: (videoKey) => videos.get(videoKey),
    open(fields) {
      const before = videos.get(fields.videoKey)
      const v: OpenVideo = Object.assign(before ?? { stale: true, lastUsed: 0 }, fields, { lastUsed: ++useCounter })
      if (fields.framesReady !== before?.tokens?.tokens.length) v.stale = true
      videos.set(fields.videoKey, v)
      return v
    },
    all: () => [...videos.values()],
    async tokensOf(v) {
      if (v.tokens && !v.stale) return v.tokens
      if (!v.loading) {
        v.stale = false
        v.loading = readCachedFrames(v)
          .then((tokens) => {
            if (!tokens) throw new AppError('not-ready', 'No frames are encoded yet; wait for the analysis to make progress')
            v.tokens = tokens
            evictTokens()
            return tokens
          })
          .finally(() => (v.loading = undefined))
      }
      return v.loading
    },
  }
}

/** What the UI is told about an open video. */
export const snapshotOf = (v: OpenVideo): VideoSession => ({
  videoKey: v.videoKey,
  jobId: v.jobId,
  info: v.info,
  modelId: v.modelId,
  sampling: v.sampling,
  grid: v.model.grid,
  dim: v.model.dim,
  importanceKind: v.model.outputs.importance?.kind,
  framesReady: v.framesReady,
  framesTotal: v.framesTotal,
  complete: v.complete,
})

/** `a` followed by the frames of `b` (same model and grid), sharing their per-frame arrays. */
function appendFrames(a: VideoTokens, b: VideoTokens): VideoTokens {
  const pts = new Float64Array(a.pts.length + b.pts.length)
  pts.set(a.pts)
  pts.set(b.pts, a.pts.length)
  const join = <T>(x: T[] | undefined, y: T[] | undefined) => (x && y ? [...x, ...y] : undefined)
  return {
    ...a,
    pts,
    tokens: [...a.tokens, ...b.tokens],
    cls: join(a.cls, b.cls),
    importance: join(a.importance, b.importance),
    frameEmbeds: join(a.frameEmbeds, b.frameEmbeds),
    patchEmbeds: join(a.patchEmbeds, b.patchEmbeds),
  }
}
