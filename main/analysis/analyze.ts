/**
 * Analysis: decode a video's sampled frames and encode them into patch tokens, once, into the
 * token cache. Decoding (ffmpeg, a child process) and encoding (onnxruntime, a worker thread)
 * run as a pipeline: while the worker encodes batch k, the decoder fills batch k+1, and at most
 * `inFlight` batches wait, so ffmpeg's pipe applies backpressure and memory stays bounded.
 * An interrupted analysis resumes after the last whole chunk in the cache.
 */
import { join } from 'node:path'
import { openTokenCache, openTokenCacheIfExists, type TokenCache } from '../cache/token-cache'
import { probeVideo } from '../video/probe'
import { decodeFrames } from '../video/decode'
import { fingerprintVideo } from '../video/fingerprint'
import { getModel } from '../encoder/registry'
import type { ModelEntry } from '../encoder/manifest'
import { startEncodeWorker } from '../encoder/encoder-pool'
import { defaultCacheDir } from '../settings'
import { samplingKey, type Sampling, type VideoInfo } from '../../common/video'
import type { ImportanceKind, TokenGrid, VideoTokens } from '../../common/tokens'
import type { ProviderChoice } from '../../common/providers'

export interface AnalysisProgressInfo {
  framesDone: number
  framesTotal: number
  framesPerSecond: number
  etaSeconds: number
  provider: string
  resumed: boolean
}

export interface AnalyzeOptions {
  path: string
  modelId: string
  sampling: Sampling
  cacheDir?: string
  provider?: ProviderChoice
  /** Frames per encoder run (default: the manifest's, else 16). */
  batchSize?: number
  signal?: AbortSignal
  onProgress?: (p: AnalysisProgressInfo) => void
  /** Called after each batch lands in the cache (e.g. to refresh a UI as frames arrive). */
  onFrames?: (framesReady: number) => void
}

export interface AnalysisSummary {
  videoKey: string
  cachePath: string
  frames: number
  grid: TokenGrid
  dim: number
  modelId: string
  provider: string
  /** Frames per second the decoder delivered (time spent waiting on ffmpeg only). */
  decodeFps: number
  /** Frames per second of the encoder (time inside the worker's inference only). */
  encodeFps: number
  /** Frames per second of the whole run, wall clock. */
  overallFps: number
  seconds: number
  resumed: boolean
  resumedFrom: number
  fromCache: boolean
  complete: boolean
  /** Set when decoding stopped early on a damaged file; the frames before it are kept. */
  warning?: string
  info: VideoInfo
  importanceKind?: ImportanceKind
}

/** Frames a sampling is expected to produce (exact for counted sampling; progress only otherwise). */
export function expectedFrames(info: VideoInfo, s: Sampling): number {
  if (s.mode === 'every-frame') return info.frameCount
  if (s.mode === 'count') return Math.min(s.frames, info.frameCount || s.frames)
  return Math.max(1, Math.ceil(info.duration * s.fps - 1e-9))
}

/** The key of one (video content, model, sampling): the app's session id and the cache's sub-folder. */
export const videoKeyOf = (fingerprint: string, modelId: string, sampling: Sampling): string =>
  `${fingerprint}/${modelId}/${samplingKey(sampling)}`

export const cacheFolder = (cacheRoot: string, videoKey: string): string => join(cacheRoot, ...videoKey.split('/'))

export async function videoKeyFor(path: string, modelId: string, sampling: Sampling): Promise<string> {
  return videoKeyOf(await fingerprintVideo(path), modelId, sampling)
}

/** Opens the cache of a video key if there is one (possibly still partial); no need to read the video. */
export const openCacheOf = (videoKey: string, cacheDir?: string): TokenCache | null =>
  openTokenCacheIfExists(cacheFolder(cacheDir ?? defaultCacheDir(), videoKey))

/** Reads every cached frame (null when there are none) and closes the cache. */
export function readAllFrames(cache: TokenCache | null): VideoTokens | null {
  if (!cache) return null
  try {
    return cache.framesReady ? cache.read(0, cache.framesReady) : null
  } finally {
    cache.close()
  }
}


const modelLayout = (entry: ModelEntry) => ({
  grid: entry.grid,
  dim: entry.dim,
  hasCls: Boolean(entry.outputs.classToken),
  importanceKind: entry.outputs.importance?.kind,
  ...(entry.text && (entry.outputs.frameEmbeds || entry.outputs.patchEmbeds)
    ? { embedDim: entry.text.embedDim, hasFrameEmbeds: Boolean(entry.outputs.frameEmbeds), hasPatchEmbeds: Boolean(entry.outputs.patchEmbeds) }
    : {}),
})

export async function analyzeVideo(opts: AnalyzeOptions): Promise<AnalysisSummary> {
  const started = performance.now()
  const info = await probeVideo(opts.path)
  const entry = await getModel(opts.modelId)
  const fingerprint = await fingerprintVideo(opts.path)
  const videoKey = videoKeyOf(fingerprint, entry.id, opts.sampling)
  const cachePath = cacheFolder(opts.cacheDir ?? defaultCacheDir(), videoKey)
  const layout = modelLayout(entry)
  const framesExpected = expectedFrames(info, opts.sampling)
  const cache = openTokenCache(cachePath, { fingerprint, video: info, modelId: entry.id, sampling: opts.sampling, framesExpected, ...layout })
  const base = { videoKey, cachePath, grid: entry.grid, dim: entry.dim, modelId: entry.id, info, importanceKind: layout.importanceKind }

  if (cache.header.complete) {
    const frames = cache.framesReady
    cache.close()
    const seconds = (performance.now() - started) / 1000
    return { ...base, frames, provider: 'none (cached)', decodeFps: 0, encodeFps: 0, overallFps: 0, seconds, resumed: false, resumedFrom: frames, fromCache: true, complete: true }
  }

  const resumedFrom = cache.framesReady
  const encoder = await startEncodeWorker(entry, { provider: opts.provider ?? 'auto' })
  const [height, width] = entry.input.size
  const frameBytes = width * height * 3
  const batchSize = opts.batchSize ?? entry.batchSize ?? 16
  const inFlight = 2

  let decodeMs = 0
  let encodeMs = 0
  let framesDecoded = 0
  let warning: string | undefined
  const pending: Promise<void>[] = []
  // The worker hands each batch's rgb memory back with its result; later batches reuse it.
  const spareRgb: Uint8Array[] = []
  const newBatch = () => ({ rgb: spareRgb.pop() ?? new Uint8Array(batchSize * frameBytes), pts: new Float64Array(batchSize), count: 0 })
  let batch = newBatch()

  const report = () => {
    const done = cache.framesReady
    const elapsed = (performance.now() - started) / 1000
    const fps = (done - resumedFrom) / Math.max(elapsed, 1e-3)
    const total = Math.max(framesExpected, done)
    opts.onProgress?.({ framesDone: done, framesTotal: total, framesPerSecond: fps, etaSeconds: fps > 0 ? (total - done) / fps : Infinity, provider: encoder.provider, resumed: resumedFrom > 0 })
  }

  // Batches are encoded in order and appended in order: each waits for its predecessor.
  let chain = Promise.resolve()
  const flush = () => {
    const b = batch
    batch = newBatch()
    const t0 = performance.now()
    const encoded = encoder.encodeRgb(b.rgb.subarray(0, b.count * frameBytes), b.count)
    const landed = Promise.all([encoded, chain]).then(([out]) => {
      encodeMs += out.inferenceMs ?? performance.now() - t0
      cache.append({ pts: b.pts.slice(0, b.count), tokens: out.tokens, cls: out.cls, importance: out.importance, frameEmbeds: out.frameEmbeds, patchEmbeds: out.patchEmbeds })
      encoder.recycle(out)
      if (out.frames.length === batchSize * frameBytes) spareRgb.push(out.frames)
      opts.onFrames?.(cache.framesReady)
      report()
    })
    chain = landed
    pending.push(landed)
  }

  try {
    report()
    const frames = decodeFrames(opts.path, {
      sampling: opts.sampling,
      width,
      height,
      resize: entry.input.resize,
      signal: opts.signal,
      resumeAfterPts: resumedFrom ? cache.readPts()[resumedFrom - 1] : undefined,
      onWarning: (w: string) => (warning = w),
    })
    let t = performance.now()
    for await (const frame of frames) {
      decodeMs += performance.now() - t
      framesDecoded++
      batch.rgb.set(frame.data, batch.count * frameBytes)
      batch.pts[batch.count++] = frame.pts
      if (batch.count === batchSize) {
        flush()
        if (pending.length >= inFlight) await pending.shift()
      }
      t = performance.now()
    }
    if (batch.count) flush()
    await Promise.all(pending)
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('analysis cancelled')
    if (!warning) cache.markComplete(cache.framesReady)
  } finally {
    await Promise.allSettled(pending)
    await encoder.close()
    cache.close()
  }

  const seconds = (performance.now() - started) / 1000
  const frames = cache.framesReady
  return {
    ...base,
    frames,
    provider: encoder.provider,
    decodeFps: framesDecoded / Math.max(decodeMs / 1000, 1e-6),
    encodeFps: (frames - resumedFrom) / Math.max(encodeMs / 1000, 1e-6),
    overallFps: (frames - resumedFrom) / seconds,
    seconds,
    resumed: resumedFrom > 0,
    resumedFrom,
    fromCache: false,
    complete: !warning,
    warning,
  }
}
