/**
 * Budget sweeps as plot data and CSV (pure): one point per method and budget, x the share of
 * tokens the method really kept (its adaptive budget), y the chosen metric. Keyframe F1 is scored
 * here, against the chosen annotation set, from each point's keyframes (common/metrics/temporal.ts),
 * so changing the set or δ needs no new sweep.
 */
import type { SweepPoint } from '../../../common/ipc/contract'
import { keyframeMetrics, type KeyframeMetrics } from '../../../common/metrics/temporal'
import { METRIC_LABELS } from '../../../common/metrics/labels'
import type { Metrics } from '../../../common/metrics/index'
import { toCsv } from '../../../common/compare/csv'

/** The budgets a sweep starts with (shares). */
export const DEFAULT_SWEEP_BUDGETS = [0.02, 0.05, 0.1, 0.25, 0.5]

/** The metrics a sweep plots against tokens kept; keyframe F1 only with an annotation set. */
export const SWEEP_METRICS = ['tokenFidelity', 'importanceRetained', 'coverage', 'prefillSpeedup', 'temporalF1'] as const satisfies readonly (keyof Metrics)[]
export type SweepMetric = (typeof SWEEP_METRICS)[number]

/** Annotated times (s) to score keyframes against, the frames' pts and δ. */
export interface KeyframeScoring {
  pts: ArrayLike<number>
  annotated: ArrayLike<number>
  deltaSeconds: number
}

/** A point's metrics, with the keyframe metrics scored when `scoring` is given. */
export function pointMetrics(p: SweepPoint, scoring?: KeyframeScoring): Record<string, number | string | null> {
  const keyframes: KeyframeMetrics | undefined = scoring && p.keyframes ? keyframeMetrics(scoring.pts, p.keyframes, scoring.annotated, scoring.deltaSeconds) : undefined
  return { ...p.metrics, ...keyframes }
}

export interface PlotPoint {
  methodId: string
  /** Requested share. */
  budget: number
  /** Share of the input tokens the method kept. */
  x: number
  y: number
  tokensOut: number
  budgetTokens: number
}

/** The points with the metric, per method in budget order. */
export function plotPoints(points: readonly SweepPoint[], metric: SweepMetric, scoring?: KeyframeScoring): PlotPoint[] {
  const out: PlotPoint[] = []
  for (const p of points) {
    if (p.error || !p.metrics || !p.report) continue
    const m = pointMetrics(p, scoring)
    const y = m[metric]
    const x = m.ratio
    if (typeof y !== 'number' || typeof x !== 'number' || !Number.isFinite(y)) continue
    out.push({ methodId: p.methodId, budget: p.budget, x, y, tokensOut: p.report.tokensOut, budgetTokens: p.report.budgetTokens })
  }
  const order = new Map<string, number>()
  for (const p of out) if (!order.has(p.methodId)) order.set(p.methodId, order.size)
  return out.sort((a, b) => order.get(a.methodId)! - order.get(b.methodId)! || a.budget - b.budget)
}

/** Budgets typed as percentages ("2, 5, 10"), as shares in (0, 1], ascending and distinct; an error message when one is not. */
export function parseBudgets(text: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter(Boolean)
  if (!parts.length) return 'give at least one budget, in percent'
  const out = new Set<number>()
  for (const part of parts) {
    const pct = Number(part.replace(/%$/, ''))
    if (!(pct > 0 && pct <= 100)) return `'${part}' is not a percentage in (0, 100]`
    out.add(Number((pct / 100).toPrecision(6)))
  }
  return [...out].sort((a, b) => a - b)
}

/** The sweep as CSV: one row per point, every metric (keyframe metrics scored when `scoring` is given). */
export function sweepCsv(points: readonly SweepPoint[], scoring?: KeyframeScoring): string {
  const all = points.map((p) => pointMetrics(p, scoring))
  const present = new Set(all.flatMap((m) => Object.keys(m)))
  const known = Object.keys(METRIC_LABELS)
  const keys = [...known.filter((k) => present.has(k)), ...[...present].filter((k) => !known.includes(k))]
  return toCsv(
    ['method', 'budget', 'budgetTokens', 'error', ...keys],
    points.map((p, i) => [p.methodId, p.budget, p.report?.budgetTokens, p.error ?? '', ...keys.map((k) => all[i][k])]),
  )
}
