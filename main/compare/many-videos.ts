/**
 * Methods compared over many videos (`tokenscope compare --videos`): each video analysed when its
 * tokens are not cached yet (the token cache resumes an interrupted analysis), every method run on
 * it at one budget, one row per video and method; then the mean of each metric over the videos
 * with its 95 % percentile-bootstrap interval (common/compare/summary.ts).
 *
 * A video that cannot be read is reported (its rows carry the error) and skipped; the run goes
 * on. After each video the report so far is handed to `onSaved` (the CLI writes it), and a run
 * given that report back as `previous` with the same settings reuses the rows of the videos it
 * already did (matched by content, not by name), so a stopped run resumes where it stopped.
 */
import type { Budget, TextQuery } from '../../common/compression/types'
import type { ProviderChoice } from '../../common/providers'
import type { Sampling } from '../../common/video'
import { summarizeOverVideos, type MetricSummary, type VideoMethodRow } from '../../common/compare/summary'
import { analyzeVideo, readAllFrames, videoKeyFor, type AnalysisProgressInfo } from '../analysis/analyze'
import { openTokenCacheIfExists } from '../cache/token-cache'
import { runSweep, type SweepEntry } from '../compute/sweep'

/** What makes two runs' rows comparable: a resumed run reuses rows only when all of it is the same. */
export interface ManyVideosSettings {
  methods: SweepEntry[]
  budget: Budget
  modelId: string
  sampling: Sampling
  seed: number
  llm?: string
  /** The text query prompt-guided methods were given. */
  query?: string
  deltaSeconds?: number
  /** The folder of annotation files (annotation-source.ts), when keyframes are scored. */
  annotations?: string
  /** The set scored against (default: each file's first set that marks anything). */
  annotationSet?: string
}

export interface VideoOutcome {
  path: string
  /** The video's content key (model and sampling included); absent when the file could not be read at all. */
  videoKey?: string
  frames?: number
  /** The annotation set the keyframes were scored against, when one was found. */
  annotationSet?: string
  /** Why its keyframes were not scored (no annotation file, an unreadable one), or what reading it noted. */
  annotationNote?: string
  /** Why the video was skipped. */
  error?: string
  rows: VideoMethodRow[]
}

export interface ManyVideosReport {
  settings: ManyVideosSettings
  videos: VideoOutcome[]
  /** Per method and metric, over the videos: mean and 95 % interval. */
  summary: MetricSummary[]
  /** How the intervals were made. */
  interval: { method: 'percentile bootstrap over videos'; confidence: 0.95; resamples: number; seed: number }
}

/**
 * Annotated times (s) of a video and the set they come from, or why there are none to score
 * against (the video's rows are kept, without keyframe scores); `note` may come with the times.
 */
export type AnnotationLookup = (videoPath: string) => Promise<{ set?: string; times?: number[]; note?: string }>

export interface ManyVideosOptions {
  videos: string[]
  settings: ManyVideosSettings
  cacheDir?: string
  provider?: ProviderChoice
  annotationsFor?: AnnotationLookup
  /** Per method id, the text query as it receives it (embedded once for all videos: one model). */
  queries?: Record<string, TextQuery>
  /** A report of an earlier run: its rows are reused for the same videos when the settings match. */
  previous?: ManyVideosReport
  resamples?: number
  signal?: AbortSignal
  onVideo?: (index: number, total: number, path: string, reused: boolean) => void
  onAnalysis?: (progress: AnalysisProgressInfo) => void
  onSaved?: (report: ManyVideosReport) => Promise<void>
}

const DEFAULT_RESAMPLES = 2000

export async function compareManyVideos(opts: ManyVideosOptions): Promise<ManyVideosReport> {
  const { settings } = opts
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES
  const reusable = opts.previous && JSON.stringify(opts.previous.settings) === JSON.stringify(settings) ? opts.previous.videos.filter((v) => !v.error && v.videoKey) : []
  const videos: VideoOutcome[] = []
  const report = (): ManyVideosReport => ({
    settings,
    videos,
    summary: summarizeOverVideos(
      videos.flatMap((v) => v.rows),
      { resamples, seed: settings.seed },
    ),
    interval: { method: 'percentile bootstrap over videos', confidence: 0.95, resamples, seed: settings.seed },
  })
  for (const [index, path] of opts.videos.entries()) {
    opts.signal?.throwIfAborted()
    let outcome: VideoOutcome
    try {
      const videoKey = await videoKeyFor(path, settings.modelId, settings.sampling)
      const earlier = reusable.find((v) => v.videoKey === videoKey)
      opts.onVideo?.(index, opts.videos.length, path, !!earlier)
      outcome = earlier ? { ...earlier, path, rows: earlier.rows.map((r) => ({ ...r, video: path })) } : await compareOne(path, videoKey, opts)
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason
      const error = e instanceof Error ? e.message.split('\n')[0] : String(e)
      outcome = { path, error, rows: settings.methods.map((m) => ({ video: path, methodId: m.methodId, error })) }
    }
    videos.push(outcome)
    await opts.onSaved?.(report())
  }
  return report()
}

/** Analyses one video (from the cache when it is there) and runs every method on it. */
async function compareOne(path: string, videoKey: string, opts: ManyVideosOptions): Promise<VideoOutcome> {
  const { settings } = opts
  const summary = await analyzeVideo({
    path,
    modelId: settings.modelId,
    sampling: settings.sampling,
    cacheDir: opts.cacheDir,
    provider: opts.provider,
    signal: opts.signal,
    onProgress: opts.onAnalysis,
  })
  const video = readAllFrames(openTokenCacheIfExists(summary.cachePath))
  if (!video) throw new Error(`no frames could be decoded from ${path}`)
  const annotations = await opts.annotationsFor?.(path)
  const rows = await runSweep(
    video,
    settings.methods.map((m) => ({ ...m, query: opts.queries?.[m.methodId] })),
    [settings.budget],
    { seed: settings.seed, signal: opts.signal, metrics: { llm: settings.llm, annotations: annotations?.times, deltaSeconds: settings.deltaSeconds } },
    (p): VideoMethodRow => (p.error ? { video: path, methodId: p.methodId, error: p.error.message } : { video: path, methodId: p.methodId, metrics: p.evaluation.metrics }),
  )
  return { path, videoKey, frames: video.tokens.length, annotationSet: annotations?.set, annotationNote: annotations?.note, rows }
}
