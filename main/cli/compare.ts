/**
 * `tokenscope compare`: methods side by side.
 *
 *   compare <video> --methods a,b[,c] [--budget 0.1 | --sweep 0.05,0.1] [--annotations FILE [--set NAME] [--delta S]] [--json]
 *     one row per method (and budget), and how each method's token map differs from the first's;
 *     with --annotations, each method's keyframes scored against the file's set (P / R / F1 within ±δ);
 *   compare --videos <files or folders> --methods a,b --budget 0.1 [--annotations DIR] [--out DIR] [--json]
 *     one row per video and method, then per method and metric the mean over the videos and its
 *     95 % percentile-bootstrap interval; writes compare.csv, compare-summary.csv and compare.json
 *     to DIR (default ./tokenscope-compare), and resumes from compare.json when run again.
 *     Each video's annotation file in the --annotations folder: compare/annotation-source.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import type { CommandContext } from './context'
import { abortOnInterrupt } from './analyze'
import { describeError } from './errors'
import { formatNumber, METRIC_ARROWS, metricHeader, progressLine, table, type Cell } from './format'
import { UsageError } from './errors'
import { cliCacheDir, queryFor, tokensFor } from './methods'
import { BUILTIN_MODEL, budgetArg, paramsArg, providerArg, samplingArg, seedArg, videoArg } from './options'
import { validateMethodRequest } from '../../common/compression/registry'
import type { Budget, MethodReport, ParamValues } from '../../common/compression/types'
import type { ModelEntry } from '../encoder/manifest'
import { getModel } from '../encoder/registry'
import { tokensLine } from '../encoder/provides'
import { createQueryEmbedder } from '../text/text-client'
import { differenceMetrics, tokenMapDifference, type DifferenceMetrics } from '../../common/compare/difference'
import { DIFFERENCE_LABELS } from '../../common/compare/difference-labels'
import { toCsv } from '../../common/compare/csv'
import type { MetricSummary } from '../../common/compare/summary'
import { METRIC_LABELS } from '../../common/metrics/labels'
import { DEFAULT_DELTA_SECONDS } from '../../common/metrics/temporal'
import { VIDEO_EXTENSIONS } from '../../common/video'
import type { TokenMap } from '../../common/token-map'
import { runSweep, type SweepEntry } from '../compute/sweep'
import { compareManyVideos, type AnnotationLookup, type ManyVideosReport, type ManyVideosSettings } from '../compare/many-videos'
import { annotationFileFor, scoredTimesFromFile, type ScoredTimes } from '../compare/annotation-source'
import { videoRefOf } from '../projects/video-project'
import { writeFileDurable } from '../projects/durable-write'
import { biasDensityTable, rowHistogram } from './bias-density'

/** The metric columns of the text tables (every metric goes to --json and the CSV files). */
const SHOWN_METRICS = ['tokensIn', 'tokensOut', 'ratio', 'keptFrames', 'tokenFidelity', 'frameFidelity', 'importanceRetained', 'coverage', 'prefillSpeedup']
const KEYFRAME_METRICS = ['temporalPrecision', 'temporalRecall', 'temporalF1']
/** The keyframe table of one video: the method's keyframe count beside its scores. */
const KEYFRAME_COLUMNS = ['keyframesPredicted', ...KEYFRAME_METRICS]

const budgetText = (b: Budget) => ('ratio' in b ? `${b.ratio}` : `${b.tokens} tok`)
const metricCells = (m: Record<string, unknown> | undefined, keys: string[]): Cell[] => keys.map((k) => (m?.[k] === undefined ? null : (m[k] as Cell)))

function methodsArg(ctx: CommandContext, params: ParamValues): SweepEntry[] {
  const list = ((ctx.values.methods as string | undefined) ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  if (!list.length) throw new UsageError('which methods? --methods a,b[,c]')
  for (const method of list) if (!method.includes('+')) validateMethodRequest(method, {})
  return list.map((methodId) => ({ methodId, params }))
}

/** The methods with --query embedded for each (as each method receives it) by `model`'s text tower. */
async function withQueries(ctx: CommandContext, model: ModelEntry, methods: SweepEntry[]): Promise<SweepEntry[]> {
  if (ctx.values.query === undefined) return methods
  const embedder = createQueryEmbedder(cliCacheDir(ctx))
  try {
    const out: SweepEntry[] = []
    for (const m of methods) out.push({ ...m, query: await queryFor(ctx, embedder, model, m.methodId, m.params) })
    return out
  } finally {
    await embedder.close()
  }
}

/** --sweep 0.05,0.1 (shares), else the one --budget / --tokens. */
function budgetsArg(ctx: CommandContext): Budget[] {
  const sweep = ctx.values.sweep as string | undefined
  if (!sweep) return [budgetArg(ctx)]
  return sweep.split(',').map((s) => {
    const r = Number(s)
    if (!(r > 0 && r <= 1)) throw new UsageError(`--sweep takes shares in (0, 1], got '${s}'`)
    return { ratio: r }
  })
}

/** --delta S: the keyframe tolerance in seconds (metrics' default when absent). */
function deltaArg(ctx: CommandContext): number | undefined {
  const raw = ctx.values.delta as string | undefined
  if (raw === undefined) return undefined
  const d = Number(raw)
  if (!(Number.isFinite(d) && d >= 0)) throw new UsageError(`--delta is a tolerance in seconds (≥ 0), got '${raw}'`)
  return d
}

const isFolder = (p: string) => existsSync(p) && statSync(p).isDirectory()
const messageOf = (e: unknown) => describeError(e).message.replace(/^internal error: /, '')

/** --annotations FILE [--set NAME] for one video: the annotated times its keyframes are scored against. */
async function annotationsArg(ctx: CommandContext, videoPath: string): Promise<ScoredTimes | undefined> {
  const file = ctx.values.annotations as string | undefined
  const setName = ctx.values.set as string | undefined
  if (file === undefined) {
    if (setName !== undefined) throw new UsageError('--set names a set of the --annotations file')
    return undefined
  }
  if (isFolder(file)) throw new UsageError(`${file} is a folder: one annotation file per video goes with --videos`)
  const video = await videoRefOf(videoPath)
  try {
    return await scoredTimesFromFile(resolve(file), video, setName)
  } catch (e) {
    throw new UsageError(`--annotations ${file}: ${messageOf(e)}`)
  }
}

/** --annotations DIR with --videos: each video's annotated times from its file there (annotation-source.ts), or why there are none. */
function annotationLookupArg(ctx: CommandContext): { dir: string; lookup: AnnotationLookup } | undefined {
  const raw = ctx.values.annotations as string | undefined
  const setName = ctx.values.set as string | undefined
  if (raw === undefined) {
    if (setName !== undefined) throw new UsageError('--set names a set of the --annotations files')
    return undefined
  }
  const dir = resolve(raw)
  if (!isFolder(dir)) throw new UsageError(`with --videos, --annotations names a folder holding one annotation file per video, not ${raw}`)
  const lookup: AnnotationLookup = async (videoPath) => {
    try {
      const video = await videoRefOf(videoPath)
      const file = annotationFileFor(dir, video)
      if (!file) return { note: `no annotation file for it in ${dir}` }
      const scored = await scoredTimesFromFile(file, video, setName)
      return { set: scored.set, times: scored.times, note: scored.notices.join('; ') || undefined }
    } catch (e) {
      return { note: `annotations not read: ${messageOf(e)}` }
    }
  }
  return { dir, lookup }
}

export async function compareCommand(ctx: CommandContext): Promise<void> {
  if (ctx.values.videos) return compareVideosCommand(ctx)
  if (ctx.values.out !== undefined) throw new UsageError('--out goes with --videos')
  const params = paramsArg(ctx)
  const budgets = budgetsArg(ctx)
  const methodList = methodsArg(ctx, params)
  const deltaSeconds = deltaArg(ctx)
  const scored = await annotationsArg(ctx, videoArg(ctx))
  const { video, model } = await tokensFor(ctx)
  const methods = await withQueries(ctx, model, methodList)
  interface Row {
    method: string
    budget: Budget
    metrics?: Record<string, unknown>
    report?: MethodReport
    elapsedMs?: number
    /** The text histogram of its tokens over the patch rows (bias-density.ts). */
    rowHistogram?: string
    error?: string
  }
  const maps = new Map<string, TokenMap>()
  const rows = await runSweep<Row>(video, methods, budgets, { seed: seedArg(ctx), metrics: { llm: ctx.values.llm as string | undefined, annotations: scored?.times, deltaSeconds } }, (p) => {
    // One method that cannot run here (e.g. needs class attention) must not hide the others.
    if (p.error) return { method: p.methodId, budget: p.budget, error: p.error.message }
    const { result, metrics, elapsedMs } = p.evaluation
    if (methods.length > 1) maps.set(`${p.methodId}@${budgetText(p.budget)}`, result.map)
    return { method: p.methodId, budget: p.budget, metrics, report: result.report, elapsedMs, rowHistogram: rowHistogram(result.map) }
  })
  // How each method's token map differs from the first method's at the same budget.
  const first = methods[0].methodId
  const differences: ({ a: string; b: string; budget: Budget } & DifferenceMetrics)[] = []
  for (const budget of budgets) {
    const a = maps.get(`${first}@${budgetText(budget)}`)
    for (const { methodId } of methods.slice(1)) {
      const b = maps.get(`${methodId}@${budgetText(budget)}`)
      if (a && b) differences.push({ a: first, b: methodId, budget, ...differenceMetrics(tokenMapDifference(a, b)) })
    }
  }
  const differenceKeys = Object.keys(DIFFERENCE_LABELS) as (keyof DifferenceMetrics)[]
  // Each method's own notes (why an adaptive method missed the budget, a proxy it ran on, ...).
  const notes = rows.flatMap((r) => (r.report?.notes ?? []).map((n) => `  ${r.method} (budget ${budgetText(r.budget)}): ${n}`))
  const annotations = scored ? { file: scored.file, set: scored.set, times: scored.times, deltaSeconds: deltaSeconds ?? DEFAULT_DELTA_SECONDS, notices: scored.notices } : null
  ctx.out({ frames: video.tokens.length, grid: video.grid, tokens: tokensLine(model), query: (ctx.values.query as string | undefined) ?? null, annotations, rows, differences }, () =>
    [
      `computed on ${tokensLine(model)}`,
      table(
        ['method', 'budget', ...SHOWN_METRICS.map(metricHeader), 'ms'],
        rows.map((r) => (r.error ? [r.method, budgetText(r.budget), `error: ${r.error}`] : [r.method, budgetText(r.budget), ...metricCells(r.metrics, SHOWN_METRICS), Math.round(r.elapsedMs ?? 0)])),
      ),
      METRIC_ARROWS,
      ...(annotations
        ? [
            '',
            `Keyframes against "${annotations.set}" (${annotations.times.length} annotated times, ${annotations.file}), within ±${annotations.deltaSeconds} s:`,
            table(
              ['method', 'budget', ...KEYFRAME_COLUMNS.map(metricHeader)],
              rows.map((r) => [r.method, budgetText(r.budget), ...(r.error ? [`error: ${r.error}`] : metricCells(r.metrics, KEYFRAME_COLUMNS))]),
            ),
            ...annotations.notices.map((n) => `note: ${n}`),
          ]
        : []),
      '',
      biasDensityTable(rows.flatMap((r) => (r.metrics ? [{ method: r.method, budget: budgetText(r.budget), metrics: r.metrics, rowHistogram: r.rowHistogram ?? '' }] : []))),
      ...(notes.length ? ['', 'notes:', ...notes] : []),
      ...(differences.length
        ? [
            '',
            `Patches per category against ${first} (A) at the same budget; ${DIFFERENCE_LABELS.disagreement.hint.toLowerCase()}:`,
            table(
              ['method (B)', 'budget', ...differenceKeys.map((k) => DIFFERENCE_LABELS[k].label.replace(/^patches /, ''))],
              differences.map((d) => [d.b, budgetText(d.budget), ...differenceKeys.map((k) => d[k])]),
            ),
          ]
        : []),
    ].join('\n'),
  )
}

/** The video files named on the command line: files as given, folders by their video files (sorted). */
export function videoFilesArg(paths: string[]): string[] {
  if (!paths.length) throw new UsageError('which videos? --videos <files or folders>')
  const out: string[] = []
  for (const p of paths) {
    const abs = resolve(p)
    if (existsSync(abs) && statSync(abs).isDirectory()) {
      const found = readdirSync(abs)
        .filter((f) => VIDEO_EXTENSIONS.includes(extname(f).slice(1).toLowerCase()))
        .sort()
        .map((f) => join(abs, f))
      if (!found.length) throw new UsageError(`no video files in ${p} (looked for .${VIDEO_EXTENSIONS.join(', .')})`)
      out.push(...found)
    } else out.push(abs) // a missing or unreadable file is reported in its row
  }
  return out
}

const OUT_FILES = { json: 'compare.json', rows: 'compare.csv', summary: 'compare-summary.csv' }

/** An earlier report in the output folder, to resume from; an unreadable one stops the run rather than being overwritten. */
function previousReport(dir: string): ManyVideosReport | undefined {
  const file = join(dir, OUT_FILES.json)
  if (!existsSync(file)) return undefined
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as ManyVideosReport
    if (!report?.settings || !Array.isArray(report.videos)) throw new Error('not a compare report')
    return report
  } catch (e) {
    throw new UsageError(`${file} cannot be read (${(e as Error).message}); move it away or choose another --out`)
  }
}

/** Metric keys of the rows: the metrics table's order, then any other. */
function metricKeysOf(report: ManyVideosReport): string[] {
  const present = new Set(report.videos.flatMap((v) => v.rows.flatMap((r) => Object.keys(r.metrics ?? {}))))
  const known = Object.keys(METRIC_LABELS)
  return [...known.filter((k) => present.has(k)), ...[...present].filter((k) => !known.includes(k))]
}

async function writeReport(dir: string, report: ManyVideosReport): Promise<void> {
  await mkdir(dir, { recursive: true })
  const keys = metricKeysOf(report)
  const budget = budgetText(report.settings.budget)
  const rows = report.videos.flatMap((v) => v.rows.map((r) => [v.path, r.methodId, budget, r.error ?? '', ...keys.map((k) => r.metrics?.[k])]))
  await writeFileDurable(join(dir, OUT_FILES.rows), toCsv(['video', 'method', 'budget', 'error', ...keys], rows))
  await writeFileDurable(join(dir, OUT_FILES.summary), toCsv(['method', 'metric', 'mean', 'ci95_low', 'ci95_high', 'videos'], report.summary.map((s) => [s.methodId, s.metric, s.mean, s.low, s.high, s.n])))
  await writeFileDurable(join(dir, OUT_FILES.json), JSON.stringify(report, null, 1))
}

/** Mean [low, high], with the number of videos when fewer than all had the metric (e.g. keyframe scores). */
const intervalText = (s: MetricSummary | undefined, videos: number): Cell => (s ? `${formatNumber(s.mean)} [${formatNumber(s.low)}, ${formatNumber(s.high)}]${s.n < videos ? ` (${s.n} videos)` : ''}` : null)

async function compareVideosCommand(ctx: CommandContext): Promise<void> {
  if (ctx.values.sweep !== undefined) throw new UsageError('--sweep compares budgets on one video; over many videos give one --budget')
  const videos = videoFilesArg(ctx.positionals)
  const params = paramsArg(ctx)
  const model = await getModel((ctx.values.model as string | undefined) ?? BUILTIN_MODEL)
  const methods = methodsArg(ctx, params)
  const annotations = annotationLookupArg(ctx)
  const settings: ManyVideosSettings = {
    methods,
    budget: budgetArg(ctx),
    modelId: model.id,
    sampling: samplingArg(ctx),
    seed: seedArg(ctx),
    llm: ctx.values.llm as string | undefined,
    query: ctx.values.query as string | undefined,
    deltaSeconds: deltaArg(ctx),
    annotations: annotations?.dir,
    annotationSet: ctx.values.set as string | undefined,
  }
  const queried = await withQueries(ctx, model, methods)
  const outDir = resolve((ctx.values.out as string | undefined) ?? 'tokenscope-compare')
  const previous = previousReport(outDir)
  const tty = process.stderr.isTTY && !ctx.json
  const say = (s: string) => !ctx.json && process.stderr.write(`${s}\n`)
  const interrupt = abortOnInterrupt('compare interrupted; run the same command again to resume')
  let lastDraw = 0
  let report: ManyVideosReport
  try {
    report = await compareManyVideos({
      videos,
      settings,
      cacheDir: ctx.values.cache as string | undefined,
      provider: providerArg(ctx),
      previous,
      annotationsFor: annotations?.lookup,
      queries: Object.fromEntries(queried.flatMap((m) => (m.query ? [[m.methodId, m.query]] : []))),
      signal: interrupt.signal,
      onVideo: (i, n, path, reused) => say(`[${i + 1}/${n}] ${path}${reused ? ' (done in an earlier run)' : ''}`),
      onAnalysis: (p) => {
        if (!tty) return
        const now = Date.now()
        if (now - lastDraw < 100 && p.framesDone < p.framesTotal) return
        lastDraw = now
        process.stderr.write(`\r  ${progressLine(p.framesDone, p.framesTotal, p.framesPerSecond, p.etaSeconds)}${p.resumed ? '  (resumed)' : ''}\x1b[K${p.framesDone >= p.framesTotal ? '\n' : ''}`)
      },
      onSaved: (r) => writeReport(outDir, r),
    })
  } finally {
    interrupt.dispose()
  }
  const files = Object.values(OUT_FILES).map((f) => join(outDir, f))
  const shown = [...SHOWN_METRICS.filter((k) => k !== 'tokensIn'), ...(report.videos.some((v) => v.annotationSet) ? KEYFRAME_METRICS : [])]
  const methodIds = settings.methods.map((m) => m.methodId)
  const summaryOf = (methodId: string, metric: string) => report.summary.find((s) => s.methodId === methodId && s.metric === metric)
  const scored = report.videos.filter((v) => !v.error).length
  ctx.out({ ...report, files }, () =>
    [
      table(
        ['video', 'method', ...shown.map(metricHeader)],
        report.videos.flatMap((v) => v.rows.map((r) => [v.path, r.methodId, ...(r.error ? [`error: ${r.error}`] : metricCells(r.metrics, shown))])),
      ),
      '',
      `Mean over ${scored} video${scored === 1 ? '' : 's'} [95 % interval: percentile bootstrap over videos, ${report.interval.resamples} resamples, seed ${report.interval.seed}]`,
      table(['method', ...shown.map(metricHeader)], methodIds.map((m) => [m, ...shown.map((k) => intervalText(summaryOf(m, k), scored))])),
      METRIC_ARROWS,
      ...(annotations
        ? [
            '',
            `Keyframes scored within ±${settings.deltaSeconds ?? DEFAULT_DELTA_SECONDS} s against each video's file in ${annotations.dir}:`,
            ...report.videos.filter((v) => !v.error).map((v) => `  ${v.path}: ${[v.annotationSet ? `"${v.annotationSet}"` : 'not scored', v.annotationNote].filter(Boolean).join(' · ')}`),
          ]
        : []),
      '',
      `wrote ${files.join(', ')}`,
    ].join('\n'),
  )
}
