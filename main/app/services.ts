/**
 * The app's services behind the IPC contract: one handler per channel of `Requests`, shared by
 * every shell (Electron IPC, the browser-mode WebSocket host, tests). Holds the open sessions
 * (videoKey → its cached tokens, reloaded as the analysis appends frames), the running analysis
 * jobs (cancelled through an AbortController) and the recent-videos list.
 *
 * Handlers trust their payload's shape (dispatch.ts validated it) but not its meaning: paths may
 * not exist, ids may be unknown; they throw, and dispatch turns errors into ApiErrors.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { AnalysisProgress, AnalyzeRequest, Channel, EventChannel, Events, ModelInfo, RequestOf, ResponseOf, VideoSession } from '../../common/ipc/contract'
import type { Sampling, VideoInfo } from '../../common/video'
import type { VideoTokens } from '../../common/tokens'
import { methods } from '../../common/compression/registry'
import { describeMethod } from '../../common/compression/types'
import { encodeTokenMap } from '../../common/codec/token-map-codec'
import { frameNovelty, importanceConcentration } from '../../common/metrics/index'
import { frameShare } from '../../common/token-map'
import { analyzeVideo, expectedFrames, openCacheOf, videoKeyFor } from '../analysis/analyze'
import { shutdownMethodWorkers } from '../compute/run-method'
import { evaluateMethod } from '../compute/evaluate'
import { defaultModelDirs, getModel, scanModels } from '../encoder/registry'
import type { ModelEntry } from '../encoder/manifest'
import { probeVideo } from '../video/probe'
import { decodeFrameAt, listKeyframes } from '../video/decode'
import { makeDemoVideo } from '../video/demo'
import { resolveBinaries } from '../video/binaries'
import { defaultCacheDir, recentVideosFile } from '../settings'
import { AppError, toApiError } from './errors'
import { appVersion } from './paths'
import { rgbToRgba, streamQuickLook } from './quick-look'

export type Handlers = { [C in Channel]: (payload: RequestOf<C>) => Promise<ResponseOf<C>> }

export interface AppServices {
  shell: 'electron' | 'browser'
  handlers: Handlers
  /** Subscribes to pushed events; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void
  /** Cancels running analyses and waits for them to stop. */
  close(): Promise<void>
}

export interface AppServicesOptions {
  shell: 'electron' | 'browser'
  /** Token cache root (default: settings' defaultCacheDir()). */
  cacheDir?: string
  /** Model folders (default: the registry's). */
  modelsDirs?: string[]
  /** The recent-videos JSON file (default: settings' recentVideosFile()). */
  recentFile?: string
  /** Electron's native file dialog; browser mode has none (video:choose answers null). */
  chooseVideo?: () => Promise<string | null>
}

/** Recent videos kept, newest first. */
const RECENT_MAX = 20
/** Sessions whose tokens stay in memory (an hour of video is hundreds of MB of tokens). */
const LOADED_SESSIONS_MAX = 3

interface Job {
  jobId: string
  controller: AbortController
  done: Promise<void>
}

interface Session {
  videoKey: string
  path: string
  modelId: string
  sampling: Sampling
  info: VideoInfo
  model: ModelEntry
  jobId: string
  framesReady: number
  framesTotal: number
  complete: boolean
  job?: Job
  /** The cached frames as last loaded; `stale` once the analysis appended more. */
  tokens?: VideoTokens
  stale: boolean
  loading?: Promise<VideoTokens>
  lastUsed: number
}

export function createAppServices(opts: AppServicesOptions): AppServices {
  const cacheDir = opts.cacheDir ?? defaultCacheDir()
  const recentFile = opts.recentFile ?? recentVideosFile()
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>()
  const sessions = new Map<string, Session>()
  let useCounter = 0

  const emit = <E extends EventChannel>(event: E, payload: Events[E]) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        ;(listener as (p: Events[E]) => void)(payload)
      } catch (e) {
        console.error('[tokenscope] event listener failed:', e)
      }
    }
  }

  const model = (id: string) => getModel(id, opts.modelsDirs)

  const session = (videoKey: string): Session => {
    const s = sessions.get(videoKey)
    if (!s) throw new AppError('no-session', 'This video is not open any more; open and analyze it again')
    s.lastUsed = ++useCounter
    return s
  }

  /** The method run still computing per video and UI slot (RunMethodRequest.slot). */
  const slotRuns = new Map<string, AbortController>()

  /** Aborts the run this one replaces, if any; `done` forgets this run once it has ended. */
  const supersede = (key: string | undefined) => {
    const controller = new AbortController()
    if (key === undefined) return { signal: controller.signal, done: () => {} }
    slotRuns.get(key)?.abort(new AppError('superseded', 'A newer run of this slot replaced this one'))
    slotRuns.set(key, controller)
    return { signal: controller.signal, done: () => slotRuns.get(key) === controller && slotRuns.delete(key) }
  }

  /** The session's cached frames, reloaded when the analysis has appended since. */
  const tokensOf = async (s: Session): Promise<VideoTokens> => {
    if (s.tokens && !s.stale) return s.tokens
    if (!s.loading) {
      s.stale = false
      s.loading = readCachedFrames(s)
        .then((v) => {
          if (!v) throw new AppError('not-ready', 'No frames are encoded yet; wait for the analysis to make progress')
          s.tokens = v
          evictTokens()
          return v
        })
        .finally(() => (s.loading = undefined))
    }
    return s.loading
  }

  /**
   * The frames in the cache now. While an analysis appends, only the new frames are read and
   * added to the ones already loaded (the cache is append-only), not the whole video again.
   */
  const readCachedFrames = async (s: Session): Promise<VideoTokens | null> => {
    const cache = openCacheOf(s.videoKey, cacheDir)
    if (!cache) return null
    try {
      const ready = cache.framesReady
      const have = s.tokens?.tokens.length ?? 0
      if (!ready) return null
      if (!s.tokens || have === 0 || have > ready) return cache.read(0, ready)
      return have === ready ? s.tokens : appendFrames(s.tokens, cache.read(have, ready - have))
    } finally {
      cache.close()
    }
  }

  const evictTokens = () => {
    const loaded = [...sessions.values()].filter((s) => s.tokens).sort((a, b) => b.lastUsed - a.lastUsed)
    for (const s of loaded.slice(LOADED_SESSIONS_MAX)) s.tokens = undefined
  }

  const snapshot = (s: Session): VideoSession => ({
    videoKey: s.videoKey,
    jobId: s.jobId,
    info: s.info,
    modelId: s.modelId,
    sampling: s.sampling,
    grid: s.model.grid,
    dim: s.model.dim,
    importanceKind: s.model.outputs.importance?.kind,
    framesReady: s.framesReady,
    framesTotal: s.framesTotal,
    complete: s.complete,
  })

  const progress = (s: Session, phase: AnalysisProgress['phase'], extra: Partial<AnalysisProgress> = {}): AnalysisProgress => ({
    jobId: s.jobId,
    videoKey: s.videoKey,
    phase,
    framesDone: s.framesReady,
    framesTotal: s.framesTotal,
    framesPerSecond: 0,
    etaSeconds: 0,
    ...extra,
  })

  /** Runs the analysis of `s` in the background, reporting through `analysis:progress`. */
  const startJob = (s: Session, provider: AnalyzeRequest['provider']): Job => {
    const controller = new AbortController()
    const jobId = s.jobId
    const done = analyzeVideo({
      path: s.path,
      modelId: s.modelId,
      sampling: s.sampling,
      cacheDir,
      provider,
      signal: controller.signal,
      onFrames: (ready) => {
        s.framesReady = ready
        s.stale = true
      },
      onProgress: (p) => {
        s.framesReady = p.framesDone
        s.framesTotal = p.framesTotal
        emit('analysis:progress', progress(s, 'encoding', { framesPerSecond: p.framesPerSecond, etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : -1, provider: p.provider, resumed: p.resumed }))
      },
    }).then(
      (summary) => {
        s.framesReady = summary.frames
        s.framesTotal = summary.frames
        s.complete = summary.complete
        s.stale = true
        emit('analysis:progress', progress(s, 'done', { provider: summary.provider, resumed: summary.resumed, message: summary.warning }))
      },
      (e: unknown) => {
        s.stale = true
        if (controller.signal.aborted) emit('analysis:progress', progress(s, 'cancelled', { message: 'Analysis cancelled; the frames encoded so far are kept and the next analysis resumes from them' }))
        else emit('analysis:progress', progress(s, 'error', { message: toApiError(e).message }))
      },
    ).finally(() => {
      if (s.job?.jobId === jobId) s.job = undefined
    })
    return { jobId, controller, done }
  }

  const analysisStart = async (req: AnalyzeRequest): Promise<VideoSession> => {
    const path = resolve(req.path)
    const info = await probeVideo(path)
    const entry = await model(req.modelId)
    const videoKey = await videoKeyFor(path, entry.id, req.sampling)
    await addRecent(path)
    const open = sessions.get(videoKey)
    if (open?.job) return snapshot(open)

    const cache = openCacheOf(videoKey, cacheDir)
    const framesReady = cache?.framesReady ?? 0
    const complete = cache?.header.complete ?? false
    cache?.close()
    const s: Session = Object.assign(open ?? { videoKey, stale: true, lastUsed: 0 }, {
      path,
      modelId: entry.id,
      sampling: req.sampling,
      info,
      model: entry,
      jobId: randomUUID(),
      framesReady,
      framesTotal: complete ? framesReady : Math.max(framesReady, expectedFrames(info, req.sampling)),
      complete,
      lastUsed: ++useCounter,
    })
    if (framesReady !== open?.tokens?.tokens.length) s.stale = true
    sessions.set(videoKey, s)
    if (complete) {
      // Listeners may subscribe after this call returns: tell them on the next turn.
      setImmediate(() => emit('analysis:progress', progress(s, 'done', { message: 'loaded from the token cache' })))
    } else {
      s.job = startJob(s, req.provider)
    }
    return snapshot(s)
  }

  const analysisCancel = async ({ jobId }: { jobId: string }): Promise<void> => {
    // Cancelling a job that already finished (or was replaced) is not an error: it is stopped.
    const job = [...sessions.values()].find((x) => x.job?.jobId === jobId)?.job
    if (!job) return
    job.controller.abort()
    await job.done
  }

  // --- quick look: one at a time (opening another video cancels the last) ---

  let quickLookRun: { controller: AbortController; done: Promise<void> } | null = null

  const stopQuickLook = async () => {
    const run = quickLookRun
    quickLookRun = null
    run?.controller.abort()
    await run?.done
  }

  /** Keyframe pts at once; their thumbnails follow as `quicklook:frames` batches. */
  const quickLook = async ({ path }: { path: string }): Promise<ResponseOf<'video:quick-look'>> => {
    const target = resolve(path)
    const keyframePts = await listKeyframes(target)
    quickLookRun?.controller.abort() // it ends on its own; no batch of it is sent after this
    const id = randomUUID()
    const controller = new AbortController()
    const done = streamQuickLook(target, { id, signal: controller.signal, onBatch: (batch) => emit('quicklook:frames', batch) }).catch((e: unknown) => {
      // The keyframe times are already out; losing their thumbnails is not worth an error banner.
      if (!controller.signal.aborted) console.error('[tokenscope] quick look thumbnails failed:', toApiError(e).message)
    })
    quickLookRun = { controller, done }
    return { keyframePts, id }
  }

  // --- recent videos ---

  const readRecent = async (): Promise<string[]> => {
    try {
      const list: unknown = JSON.parse(await readFile(recentFile, 'utf8'))
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : []
    } catch {
      return [] // missing or unreadable: start a new list
    }
  }

  let recentWrite = Promise.resolve()
  const addRecent = (path: string): Promise<void> => {
    recentWrite = recentWrite.then(async () => {
      const list = [path, ...(await readRecent()).filter((p) => p !== path)].slice(0, RECENT_MAX)
      await mkdir(dirname(recentFile), { recursive: true })
      const tmp = `${recentFile}.${process.pid}.tmp`
      await writeFile(tmp, JSON.stringify(list, null, 1))
      await rename(tmp, recentFile)
    }).catch((e) => console.error('[tokenscope] could not save the recent-videos list:', e))
    return recentWrite
  }

  // --- handlers ---

  const handlers: Handlers = {
    'app:info': async () => {
      const binaries = await resolveBinaries().catch(() => undefined)
      return {
        version: appVersion(),
        shell: opts.shell,
        ffmpeg: binaries?.ffmpeg,
        ffprobe: binaries?.ffprobe,
        providers: await availableProviders(),
        cacheDir,
        modelsDirs: opts.modelsDirs ?? defaultModelDirs(),
      }
    },

    'models:list': async () => {
      const { models, problems } = await scanModels(opts.modelsDirs)
      const broken: ModelInfo[] = problems.map((p) => ({
        id: p.path.split(/[\\/]/).at(-2) ?? p.path,
        name: p.path.split(/[\\/]/).at(-2) ?? p.path,
        description: '',
        licence: '',
        builtIn: false,
        grid: { h: 0, w: 0 },
        dim: 0,
        hasClassToken: false,
        hasTextEncoder: false,
        error: p.error.message,
      }))
      return [...models.map(modelInfo), ...broken]
    },

    'methods:list': async () => methods.map(describeMethod),

    'video:choose': async () => (opts.chooseVideo ? opts.chooseVideo() : null),

    'video:recent': async () => (await readRecent()).filter((p) => existsSync(p)),

    'video:probe': async ({ path }) => {
      const info = await probeVideo(resolve(path))
      await addRecent(info.path)
      return info
    },

    'video:demo': async () => {
      const out = join(cacheDir, 'demo', 'tokenscope-demo.mp4')
      const path = existsSync(out) ? out : await makeDemoVideo(out)
      await addRecent(path)
      return path
    },

    'video:quick-look': quickLook,

    'video:frame': async ({ path, pts, maxWidth }) => {
      const frame = await decodeFrameAt(resolve(path), pts, { maxWidth })
      return { pts: frame.pts, width: frame.width, height: frame.height, rgba: rgbToRgba(frame.data) }
    },

    'analysis:start': analysisStart,

    'analysis:cancel': analysisCancel,

    'tokens:signals': async ({ videoKey }) => {
      const s = session(videoKey)
      // Before the first batch lands there is nothing to show yet, which is not an error.
      if (s.framesReady === 0 && !s.tokens) return { pts: new Float64Array(0), novelty: new Float32Array(0), concentration: new Float32Array(0) }
      const video = await tokensOf(s)
      return {
        pts: video.pts,
        novelty: frameNovelty(video),
        concentration: importanceConcentration(video) ?? new Float32Array(video.tokens.length),
      }
    },

    'tokens:importance': async ({ videoKey, frame }) => {
      const video = await tokensOf(session(videoKey))
      if (frame >= video.tokens.length) throw new AppError('bad-request', `frame ${frame} is out of range (the video has ${video.tokens.length} encoded frames)`)
      return video.importance?.[frame] ?? null
    },

    'method:run': async ({ videoKey, methodId, budget, params, seed, llm, slot }) => {
      const { signal, done } = supersede(slot === undefined ? undefined : `${videoKey}\0${slot}`)
      try {
        const video = await tokensOf(session(videoKey))
        signal.throwIfAborted()
        const { result, metrics, elapsedMs } = await evaluateMethod(video, methodId, budget, params, { seed }, { llm }, signal)
        return { map: encodeTokenMap(result.map), report: result.report, metrics, frameShare: frameShare(result.map), elapsedMs }
      } finally {
        done()
      }
    },
  }

  return {
    shell: opts.shell,
    handlers,
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener as (payload: never) => void)
      return () => void set.delete(listener as (payload: never) => void)
    },
    async close() {
      const jobs = [...sessions.values()].flatMap((s) => (s.job ? [s.job] : []))
      for (const job of jobs) job.controller.abort()
      for (const run of slotRuns.values()) run.abort(new AppError('cancelled', 'TokenScope is closing'))
      await Promise.allSettled([...jobs.map((j) => j.done), stopQuickLook()])
      await Promise.allSettled([recentWrite, shutdownMethodWorkers()])
    },
  }
}

function modelInfo(m: ModelEntry): ModelInfo {
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    licence: m.licence,
    builtIn: m.origin === 'bundled',
    grid: m.grid,
    dim: m.dim,
    hasClassToken: Boolean(m.outputs.classToken),
    importanceKind: m.outputs.importance?.kind,
    hasTextEncoder: Boolean(m.text && m.files.text),
  }
}

/** `a` followed by the frames of `b` (same model and grid), sharing their per-frame arrays. */
export function appendFrames(a: VideoTokens, b: VideoTokens): VideoTokens {
  const pts = new Float64Array(a.pts.length + b.pts.length)
  pts.set(a.pts)
  pts.set(b.pts, a.pts.length)
  const join = <T>(x: T[] | undefined, y: T[] | undefined) => (x && y ? [...x, ...y] : undefined)
  return { ...a, pts, tokens: [...a.tokens, ...b.tokens], cls: join(a.cls, b.cls), importance: join(a.importance, b.importance) }
}

/** Execution providers onnxruntime offers here, in the order 'auto' tries them (loaded lazily: it is a native module). */
async function availableProviders(): Promise<string[]> {
  try {
    const ort = (await import('onnxruntime-node')) as { listSupportedBackends?: () => { name: string }[] }
    const names = (ort.listSupportedBackends?.() ?? [{ name: 'cpu' }]).map((b) => b.name)
    const order = ['cuda', 'webgpu', 'cpu']
    return order.filter((p) => names.includes(p))
  } catch {
    return []
  }
}
