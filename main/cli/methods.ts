import type { CommandContext } from './context'
import { METRIC_ARROWS, metricHeader, table, type Cell } from './format'
import { UsageError } from './errors'
import { BUILTIN_MODEL, budgetArg, paramsArg, providerArg, samplingArg, seedArg, videoArg } from './options'
import { analyzeVideo, readAllFrames } from '../analysis/analyze'
import type { ModelEntry } from '../encoder/manifest'
import { getModel } from '../encoder/registry'
import { tokensLine } from '../encoder/provides'
import { textQueryFor } from '../text/query-context'
import { createQueryEmbedder, type QueryEmbedder } from '../text/text-client'
import { defaultCacheDir } from '../settings'
import { openTokenCacheIfExists } from '../cache/token-cache'
import { evaluateMethod } from '../compute/evaluate'
import { exportMethodResult } from '../export/npy'
import { methods, validateMethodRequest } from '../../common/compression/registry'
import { describeMethod, type Budget, type ParamValues, type TextQuery } from '../../common/compression/types'
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

/** The video's tokens for the requested model and sampling, analyzing first when not cached; and the model. */
export async function tokensFor(ctx: CommandContext): Promise<{ video: VideoTokens; model: ModelEntry }> {
  const path = videoArg(ctx)
  const model = await getModel((ctx.values.model as string | undefined) ?? BUILTIN_MODEL)
  const opts = { path, modelId: model.id, sampling: samplingArg(ctx), cacheDir: ctx.values.cache as string | undefined }
  const summary = await analyzeVideo({ ...opts, provider: providerArg(ctx) })
  if (!summary.fromCache && !ctx.json) console.error(`analyzed ${summary.frames} frames of ${path} (${summary.provider})`)
  // The summary names the cache: no second pass over the video to find it.
  const video = readAllFrames(openTokenCacheIfExists(summary.cachePath))
  if (!video) throw new UsageError(`no frames could be decoded from ${path}`)
  return { video, model }
}

/** --query TEXT, embedded by the model's text tower (none when the model has no text tower: the methods that need one refuse and say how to get one). */
export async function queryFor(ctx: CommandContext, embedder: QueryEmbedder, model: ModelEntry, methodId: string, params: ParamValues): Promise<TextQuery | undefined> {
  const text = ctx.values.query as string | undefined
  if (text === undefined) return undefined
  if (!text.trim()) throw new UsageError('--query needs some text')
  return model.text ? textQueryFor(embedder, model, methodId, params, text) : undefined
}

const evaluate = (video: VideoTokens, methodId: string, budget: Budget, params: ParamValues, seed: number, llm?: string, query?: TextQuery) =>
  evaluateMethod(video, methodId, budget, params, { seed, query }, { llm, query: query?.embedding })

export const cliCacheDir = (ctx: CommandContext) => (ctx.values.cache as string | undefined) ?? defaultCacheDir()

export async function compressCommand(ctx: CommandContext): Promise<void> {
  const methodId = ctx.values.method as string | undefined
  if (!methodId) throw new UsageError("which method? --method M (see 'tokenscope methods')")
  const budget = budgetArg(ctx)
  const params = paramsArg(ctx)
  validateMethodRequest(methodId, params)
  const { video, model } = await tokensFor(ctx)
  const embedder = createQueryEmbedder(cliCacheDir(ctx))
  let query: TextQuery | undefined
  try {
    query = await queryFor(ctx, embedder, model, methodId, params)
  } finally {
    await embedder.close()
  }
  const { result, metrics, elapsedMs } = await evaluate(video, methodId, budget, params, seedArg(ctx), ctx.values.llm as string | undefined, query)
  const outDir = ctx.values.out as string | undefined
  if (outDir) await exportMethodResult(outDir, video, result, metrics)
  ctx.out({ method: methodId, budget, tokens: tokensLine(model), query: query?.text ?? null, report: result.report, metrics, elapsedMs, out: outDir ?? null }, () =>
    [
      `${methodId}: ${result.report.tokensOut} of ${metrics.tokensIn} tokens (budget ${result.report.budgetTokens}) in ${elapsedMs.toFixed(0)} ms`,
      `  computed on ${tokensLine(model)}`,
      ...(query ? [`  query: "${query.text}"`] : []),
      ...(result.report.importanceSource ? [`  importance used: ${result.report.importanceSource}`] : []),
      ...Object.entries(result.report.derived).map(([k, v]) => `  ${k} = ${v}`),
      ...result.report.notes.map((n) => `  note: ${n}`),
      '',
      table(['metric', 'value'], Object.entries(metrics).map(([k, v]) => [metricHeader(k), v as Cell])),
      METRIC_ARROWS,
      ...(outDir ? ['', `wrote the token map and .npy arrays to ${outDir}`] : []),
    ].join('\n'),
  )
}
