import type { CommandContext } from './context'
import { progressLine, formatNumber } from './format'
import { BUILTIN_MODEL, providerArg, samplingArg, videoArg } from './options'
import { analyzeVideo, type AnalysisSummary } from '../analysis/analyze'
import { describeSampling } from '../../common/video'
import { InterruptedError } from './errors'

/** Ctrl-C stops the work cleanly (the frames encoded so far stay in the cache for a resume), saying `message`. */
export function abortOnInterrupt(message = 'analysis interrupted; run the same command again to resume'): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const stop = (signal: 'SIGINT' | 'SIGTERM') => () => controller.abort(new InterruptedError(message, signal))
  const onInt = stop('SIGINT')
  const onTerm = stop('SIGTERM')
  process.once('SIGINT', onInt)
  process.once('SIGTERM', onTerm)
  return { signal: controller.signal, dispose: () => (process.off('SIGINT', onInt), process.off('SIGTERM', onTerm)) }
}

export async function analyzeCommand(ctx: CommandContext): Promise<void> {
  const path = videoArg(ctx)
  const sampling = samplingArg(ctx)
  const tty = process.stderr.isTTY && !ctx.json
  const interrupt = abortOnInterrupt()
  let lastDraw = 0
  let summary: AnalysisSummary
  try {
    summary = await analyzeVideo({
      path,
      modelId: (ctx.values.model as string | undefined) ?? BUILTIN_MODEL,
      sampling,
      cacheDir: ctx.values.cache as string | undefined,
      provider: providerArg(ctx),
      signal: interrupt.signal,
      onProgress: (p) => {
        if (!tty) return
        const now = Date.now()
        if (now - lastDraw < 100 && p.framesDone < p.framesTotal) return
        lastDraw = now
        process.stderr.write(`\r${progressLine(p.framesDone, p.framesTotal, p.framesPerSecond, p.etaSeconds)}  ${p.provider}${p.resumed ? '  (resumed)' : ''}\x1b[K`)
      },
    })
  } finally {
    interrupt.dispose()
    if (tty) process.stderr.write('\n')
  }
  const { info, ...rest } = summary
  ctx.out({ video: info.path, duration: info.duration, videoWarnings: info.warnings, sampling, ...rest }, () =>
    [
      summary.fromCache ? `${info.path}: answered from the cache` : `${info.path}: analyzed${summary.resumed ? ` (resumed at frame ${summary.resumedFrom})` : ''}`,
      `  frames       ${summary.frames} (${describeSampling(sampling)})${summary.complete ? '' : ' — incomplete'}`,
      `  tokens       ${summary.grid.h}×${summary.grid.w} grid × ${summary.dim} dims per frame, model ${summary.modelId}`,
      `  provider     ${summary.provider}`,
      ...(summary.fromCache
        ? []
        : [
            `  decode       ${formatNumber(summary.decodeFps)} frames/s`,
            `  encode       ${formatNumber(summary.encodeFps)} frames/s`,
            `  overall      ${formatNumber(summary.overallFps)} frames/s in ${formatNumber(summary.seconds)} s`,
          ]),
      `  cache        ${summary.cachePath}`,
      ...info.warnings.map((w) => `  video        ${w}`),
      ...(summary.warning ? [`  warning      ${summary.warning}`] : []),
    ].join('\n'),
  )
}
