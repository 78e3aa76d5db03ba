/** Plain-text formatting for the CLI: tables, durations, a progress bar. */
import { metricLabel } from '../../common/metrics/labels'

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--'
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

/** One line: `[#####.....] 120/600 frames  24.1 frames/s  ETA 0:20`. */
export function progressLine(done: number, total: number, fps: number, eta: number, width = 30): string {
  const share = total > 0 ? Math.min(1, done / total) : 0
  const filled = Math.round(share * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} frames  ${fps.toFixed(1)} frames/s  ETA ${formatDuration(eta)}`
}

export type Cell = string | number | null | undefined

const show = (c: Cell): string => (c === null || c === undefined ? '-' : typeof c === 'number' ? formatNumber(c) : c)

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  if (Number.isInteger(x)) return String(x)
  const a = Math.abs(x)
  return a >= 1000 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 0.01 ? x.toFixed(3) : x.toExponential(2)
}

/** A left-aligned text table with a header rule. */
export function table(headers: string[], rows: Cell[][]): string {
  const cells = rows.map((r) => r.map(show))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

/** A metric's name for a table: its label and which way is better (↑ higher, ↓ lower), e.g. "coverage distance ↓". */
export function metricHeader(key: string): string {
  const l = metricLabel(key)
  if (!l) return key
  return `${l.label}${l.better === 'higher' ? ' ↑' : l.better === 'lower' ? ' ↓' : ''}`
}

/** The line under a metrics table that explains its arrows. */
export const METRIC_ARROWS = '↑ higher is better, ↓ lower is better'
