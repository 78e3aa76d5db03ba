/** `tokenscope bench` (`npm run bench`): runs the chosen sections of main/bench and prints each figure beside its baseline. */
import { BENCH_SECTIONS, type BenchSection, runBench } from '../bench/bench'
import type { UiBench } from '../bench/ui'
import type { CommandContext } from './context'
import { UsageError } from './errors'
import { formatNumber, table } from './format'

export async function benchCommand(ctx: CommandContext): Promise<void> {
  const only = ((ctx.values.only as string | undefined) ?? BENCH_SECTIONS.join(',')).split(',') as BenchSection[]
  for (const s of only) if (!BENCH_SECTIONS.includes(s)) throw new UsageError(`--only takes ${BENCH_SECTIONS.join(', ')}; got '${s}'`)
  const frames = ctx.values.frames ? Number(ctx.values.frames) : 3600
  const methodIds = (ctx.values.methods as string | undefined)?.split(',')
  const { results, file } = await runBench(only, frames, (s) => process.stderr.write(`${s}\n`), methodIds)

  ctx.out(results, () => {
    const lines: string[] = []
    if (results.pipeline.length) {
      lines.push('Pipeline (median of alternating runs; ratio = pipeline / baseline)', '')
      lines.push(
        table(
          ['measure', 'pipeline', 'baseline', 'ratio', 'target'],
          results.pipeline.map((c) => [c.name, `${formatNumber(c.candidate.perSecond)} ${c.unit}`, `${formatNumber(c.baseline.perSecond)} (${c.baseline.label})`, c.ratio.toFixed(3), c.target ?? '']),
        ),
        '',
      )
    }
    if (results.methods.length) {
      lines.push(`Methods on ${frames} synthetic frames × 196 tokens × 768 dims, budget 10% (ratio = method / avg-pool, same run)`, '')
      lines.push(table(['method', 'frames/s', 'avg-pool frames/s', 'ratio'], results.methods.map((c) => [c.name, formatNumber(c.candidate.perSecond), formatNumber(c.baseline.perSecond), c.ratio.toFixed(3)])), '')
    }
    if (results.sweep) {
      const c = results.sweep
      lines.push('Budget sweep (ratio = sweep / single runs, same run; ≥ 1: the sweep costs no more than the runs it replaces)', '')
      lines.push(table(['measure', 'sweep runs/s', 'single runs/s', 'ratio', 'target'], [[c.name, formatNumber(c.candidate.perSecond), formatNumber(c.baseline.perSecond), c.ratio.toFixed(3), c.target ?? '']]), '')
    }
    if (results.numpy?.length) {
      lines.push('Per core beside NumPy ports of the same algorithms (CPU ms per frame, medians; ratio = NumPy / method, median over neighbouring pass pairs; same tokens, same run)', '')
      lines.push(
        table(
          ['method', 'frames', 'keep', 'method ms', 'NumPy ms', 'ratio', 'target', 'same decisions', 'NumPy, BLAS'],
          results.numpy.map((r) => [r.method, r.frames, r.keep, r.methodMs.toFixed(3), r.numpyMs.toFixed(3), r.ratio.toFixed(2), r.target, `${r.agree}/${r.frames}`, `${r.numpy}, ${r.blas}`]),
        ),
        '',
      )
    }
    if (results.long?.length) {
      lines.push(`Every method on ${frames} frames × 196 × 768 streamed from the token cache (token map; budget 10%, then 25%, 5%, 50%)`, '')
      lines.push(
        table(
          ['method', 'first run s', 'target', 'budget change ms', 'target'],
          results.long.map((r) => [r.method, r.firstRunSeconds.toFixed(2), r.targetFirst, r.budgetChangeMs === undefined ? '' : r.budgetChangeMs.toFixed(0), r.targetChange]),
        ),
        '',
      )
    }
    if (results.memory?.length) {
      lines.push('Peak resident memory of a run (own process, streamed from the token cache; ratio to the 10-minute run)', '')
      lines.push(
        table(
          ['method', 'frames', 'peak RSS MB', 'ratio', 'target', 'run s', 'cache on disk MB'],
          results.memory.map((r) => [r.method, r.frames, r.peakRssMB.toFixed(0), r.ratio.toFixed(2), r.target, r.seconds.toFixed(1), r.cacheMB.toFixed(0)]),
        ),
        '',
      )
    }
    if (results.query.length) {
      lines.push('Query relevance (ms; ratio = median / target)', '')
      lines.push(table(['measure', 'median ms', 'p95 ms', 'target ms', 'ratio'], results.query.map((r) => [r.name, r.medianMs.toFixed(2), r.p95Ms.toFixed(2), r.targetMs ?? '', r.targetMs ? (r.medianMs / r.targetMs).toFixed(3) : ''])), '')
    }
    if (results.ui) {
      const u = results.ui
      lines.push('UI in Chromium (ms; ratio = median / target; rows without a target are context)', '')
      const ratio = (r: UiBench['rows'][number]) => (r.targetMs === undefined ? '' : (r.medianMs / r.targetMs).toFixed(3))
      lines.push(table(['measure', 'median ms', 'p95 ms', 'target ms', 'ratio'], u.rows.map((r) => [r.name, r.medianMs.toFixed(2), r.p95Ms.toFixed(2), r.targetMs ?? '', ratio(r)])), '')
    }
    if (results.annotations) {
      lines.push('Hand annotation (ms; ratio = stepping / ffmpeg decoding the same frames in one pass)', '')
      lines.push(
        table(
          ['measure', 'median ms', 'p95 ms', 'target ms', 'baseline ms', 'ratio'],
          results.annotations.map((r) => [r.name, r.medianMs.toFixed(2), r.p95Ms.toFixed(2), r.targetMs ?? '', r.baselineMs?.toFixed(2) ?? '', r.ratio?.toFixed(2) ?? '']),
        ),
        '',
      )
    }
    if (results.resident) {
      lines.push('Resident memory of the pipeline (peak MiB; ratio = peak / bound; TOKENSCOPE_BENCH_LONG_MINUTES sets the long video, default 180)', '')
      lines.push(
        table(
          ['measure', 'frames', 'seconds', 'peak MiB', 'bound MiB', 'ratio', 'beside'],
          results.resident.map((r) => [r.name, r.frames ?? '', r.seconds.toFixed(1), r.peakRssMiB.toFixed(0), r.boundMiB, (r.peakRssMiB / r.boundMiB).toFixed(3), r.beside ? `${r.beside} ${r.besideMiB!.toFixed(0)} MiB` : '']),
        ),
        '',
      )
    }
    lines.push(`results: ${file}`)
    return lines.join('\n')
  })
}
