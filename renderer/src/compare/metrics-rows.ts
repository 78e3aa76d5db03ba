/**
 * The metrics table of A and B (pure): one row per report value, metric and derived value, with
 * B − A and which side is better by the metric's direction (common/metrics/labels.ts), and the
 * same rows as CSV. The keyframe metrics come in with the metrics (the compare store scores them
 * against the chosen annotation set).
 */
import type { MethodReport } from '../../../common/compression/types'
import { METRIC_LABELS, metricLabel, type MetricLabel } from '../../../common/metrics/labels'
import { DIFFERENCE_LABELS } from '../../../common/compare/difference-labels'
import type { DifferenceMetrics } from '../../../common/compare/difference'
import { toCsv } from '../../../common/compare/csv'

export type Cell = number | string | null

/** What the table shows of one side. */
export interface SideValues {
  methodId: string
  /** How the method treats the budget (MethodInfo.budgetMode; for a composition, its second stage's). */
  budgetMode?: string
  report: MethodReport
  metrics: Record<string, number | string | null>
  elapsedMs: number
}

export interface TableRow {
  key: string
  label: string
  hint: string
  unit?: MetricLabel['unit']
  better?: MetricLabel['better']
  a: Cell
  b: Cell
  /** B − A when both are numbers. */
  delta: number | null
  /** The better side by the metric's direction; null when equal, not comparable or without a direction. */
  winner: 'a' | 'b' | null
}

/** What the method's report adds to the metrics (tokens out, the budget it kept, is a metric). */
const REPORT_ROWS: Array<[key: string, label: string, hint: string, get: (s: SideValues) => Cell]> = [
  ['budgetTokens', 'budget asked (tokens)', "The budget in tokens the method was asked for; 'tokens out' is what it kept", (s) => s.report.budgetTokens],
  ['budgetMode', 'budget mode', 'exact: hits the budget; grid: the largest grid within it; adaptive: decides by itself and keeps what it reports', (s) => s.budgetMode ?? null],
  ['importanceSource', 'importance used', 'What the method ranked patches by: class attention or the saliency proxy', (s) => s.report.importanceSource ?? null],
  ['elapsedMs', 'compute time (ms)', 'Time the method took in the worker (metrics excluded)', (s) => Math.round(s.elapsedMs)],
]

const arrow = (l: MetricLabel) => (l.better === 'higher' ? ' ↑' : l.better === 'lower' ? ' ↓' : '')

function winnerOf(a: Cell, b: Cell, better: MetricLabel['better']): 'a' | 'b' | null {
  if (!better || typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || a === b) return null
  return (better === 'higher') === a > b ? 'a' : 'b'
}

function row(key: string, label: string, hint: string, a: Cell, b: Cell, l?: MetricLabel): TableRow {
  const delta = typeof a === 'number' && typeof b === 'number' ? b - a : null
  return { key, label, hint, unit: l?.unit, better: l?.better, a, b, delta, winner: winnerOf(a, b, l?.better) }
}

/** The rows with a value on either side: report rows, the metrics in their table order (then unknown ones), derived values. */
export function compareTableRows(a: SideValues | null, b: SideValues | null): TableRow[] {
  const sides = [a, b]
  const cells = (get: (s: SideValues) => Cell): [Cell, Cell] => [a ? get(a) : null, b ? get(b) : null]
  const out = REPORT_ROWS.map(([key, label, hint, get]) => row(key, label, hint, ...cells(get)))
  const present = new Set<string>()
  const derived = new Set<string>()
  for (const s of sides) {
    if (!s) continue
    for (const k of Object.keys(s.metrics)) present.add(k)
    for (const k of Object.keys(s.report.derived)) derived.add(k)
  }
  const keys = [...Object.keys(METRIC_LABELS).filter((k) => present.has(k)), ...[...present].filter((k) => !metricLabel(k))]
  for (const k of keys) {
    const l = metricLabel(k)
    const hint = l ? `${l.hint}${l.better ? ` (${l.better} is better)` : ''}` : k
    out.push(row(k, l ? `${l.label}${arrow(l)}` : k, hint, ...cells((s) => s.metrics[k] ?? null), l))
  }
  for (const k of derived) out.push(row(`derived.${k}`, `${k} (chosen)`, 'A value the method chose itself for this video', ...cells((s) => s.report.derived[k] ?? null)))
  return out.filter((r) => r.a !== null || r.b !== null)
}

/** The A-vs-B rows (the difference legend's counts, as metrics), in DIFFERENCE_LABELS order. */
export const differenceRows = (d: DifferenceMetrics): { key: keyof DifferenceMetrics; label: string; hint: string; unit?: MetricLabel['unit']; value: number }[] =>
  (Object.keys(DIFFERENCE_LABELS) as (keyof DifferenceMetrics)[]).map((key) => ({ key, ...DIFFERENCE_LABELS[key], value: d[key] }))

/** The table as CSV: metric key, label, A, B, B − A, the better side, and the A-vs-B values in their own column. */
export function compareTableCsv(rows: readonly TableRow[], names: { a: string; b: string }, difference?: DifferenceMetrics): string {
  const lines = rows.map((r) => [r.key, r.label, r.a, r.b, r.delta, r.winner ?? '', null])
  if (difference) for (const d of differenceRows(difference)) lines.push([d.key, d.label, null, null, null, '', d.value])
  return toCsv(['metric', 'label', `A: ${names.a}`, `B: ${names.b}`, 'B - A', 'better', 'A vs B'], lines)
}
