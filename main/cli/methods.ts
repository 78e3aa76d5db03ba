import type { CommandContext } from './context'
import { table, type Cell } from './format'
import { UsageError } from './errors'
import { BUILTIN_MODEL, budgetArg, paramsArg, providerArg, samplingArg, seedArg, videoArg } from './options'
import { analyzeVideo, readAllFrames } from '../analysis/analyze'
import { openTokenCacheIfExists } from '../cache/token-cache'
import { evaluateMethod } from '../compute/evaluate'
import { exportMethodResult } from '../export/npy'
import { methods, validateMethodRequest } from '../../common/compression/registry'
import { describeMethod, type Budget, type ParamValues } from '../../common/compression/types'
import type { VideoTokens } from '../../common/tokens'

export async function methodsCommand(ctx: CommandContext): Promise<void> {
  const infos = methods.map(describeMethod)
  ctx.out({ methods: infos }, () =>
    [
      table(
        ['id', 'family', 'budget', 'needs', 'paper'],
        infos.map((m) => [m.id, m.family, m.budgetMode, needsText(m.needs), `${m.paper.title} (${m.paper.venue})`]),
      ),
      '',
      `${infos.length} methods. Compose a frame-selection method with a per-frame one as 'stage1+stage2' (e.g. scene-segments+tome).`,
      "'tokenscope methods --json' lists every parameter with its default, range and help.",
    ].join('\n'),
  )
}

const needsText = (n: ReturnType<typeof describeMethod>['needs']): string =>
  [n.importance === 'required' ? 'class attention' : n.importance ? 'importance (proxy ok)' : '', n.cls ? 'class token' : '', n.textQuery ? 'text query' : '']
    .filter(Boolean)
    .join(', ') || '-'

/** The video's tokens for the requested model and sampling, analyzing first when not cached. */
export async function tokensFor(ctx: CommandContext): Promise<VideoTokens> {
  const path = videoArg(ctx)
  const opts = { path, modelId: (ctx.values.model as string | undefined) ?? BUILTIN_MODEL, sampling: samplingArg(ctx), cacheDir: ctx.values.cache as string | undefined }
  const summary = await analyzeVideo({ ...opts, provider: providerArg(ctx) })
  if (!summary.fromCache && !ctx.json) console.error(`analyzed ${summary.frames} frames of ${path} (${summary.provider})`)
  // The summary names the cache: no second pass over the video to find it.
  const video = readAllFrames(openTokenCacheIfExists(summary.cachePath))
  if (!video) throw new UsageError(`no frames could be decoded from ${path}`)
  return video
}

const evaluate = (video: VideoTokens, methodId: string, budget: Budget, params: ParamValues, seed: number, llm?: string) =>
  evaluateMethod(video, methodId, budget, params, { seed }, { llm })

export async function compressCommand(ctx: CommandContext): Promise<void> {
  const methodId = ctx.values.method as string | undefined
  if (!methodId) throw new UsageError("which method? --method M (see 'tokenscope methods')")
  const budget = budgetArg(ctx)
  const params = paramsArg(ctx)
  validateMethodRequest(methodId, params)
  const video = await tokensFor(ctx)
  const { result, metrics, elapsedMs } = await evaluate(video, methodId, budget, params, seedArg(ctx), ctx.values.llm as string | undefined)
  const outDir = ctx.values.out as string | undefined
  if (outDir) await exportMethodResult(outDir, video, result, metrics)
  ctx.out({ method: methodId, budget, report: result.report, metrics, elapsedMs, out: outDir ?? null }, () =>
    [
      `${methodId}: ${result.report.tokensOut} of ${metrics.tokensIn} tokens (budget ${result.report.budgetTokens}) in ${elapsedMs.toFixed(0)} ms`,
      ...(result.report.importanceSource ? [`  importance used: ${result.report.importanceSource}`] : []),
      ...Object.entries(result.report.derived).map(([k, v]) => `  ${k} = ${v}`),
      ...result.report.notes.map((n) => `  note: ${n}`),
      '',
      table(['metric', 'value'], Object.entries(metrics).map(([k, v]) => [k, v as Cell])),
      ...(outDir ? ['', `wrote the token map and .npy arrays to ${outDir}`] : []),
    ].join('\n'),
  )
}
