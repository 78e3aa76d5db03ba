/**
 * The compare command's second table: where on the patch grid each method's tokens come from
 * (spatial bias, Feather) and how much each token carries (the TokDense proxy, VQToken), with a
 * text histogram of the tokens over the patch rows.
 */
import { metricHeader, table, type Cell } from './format'
import { spatialBias } from '../../common/metrics/spatial-bias'
import type { TokenMap } from '../../common/token-map'

const BARS = ' ▁▂▃▄▅▆▇█'

/** Shares as a one-line histogram, tallest bar = the largest share (e.g. rows top to bottom). */
export function histogramLine(share: ArrayLike<number>): string {
  const top = Math.max(...Array.from(share))
  return Array.from(share, (v) => BARS[top > 0 ? Math.round((v / top) * (BARS.length - 1)) : 0]).join('')
}

/** The rows' histogram (top → bottom) of a result's tokens; '' when it has none. */
export const rowHistogram = (map: TokenMap): string => {
  const bias = spatialBias(map)
  return bias ? histogramLine(bias.rowShare) : ''
}

const KEYS = ['spatialMeanRow', 'spatialMeanCol', 'spatialRowChi2', 'allPatchFidelity', 'tokDenseProxy'] as const

/** The table: one line per run that produced metrics; `rows` carries each run's row histogram. */
export function biasDensityTable(rows: { method: string; budget: string; metrics: Record<string, unknown>; rowHistogram: string }[]): string {
  return [
    'Spatial bias (Feather) and token density (a TokDense proxy: fidelity % per token, no accuracy here):',
    table(
      ['method', 'budget', 'rows top→bottom', ...KEYS.map(metricHeader)],
      rows.map((r) => [r.method, r.budget, r.rowHistogram, ...KEYS.map((k) => (r.metrics[k] === undefined ? null : (r.metrics[k] as Cell)))]),
    ),
  ].join('\n')
}
