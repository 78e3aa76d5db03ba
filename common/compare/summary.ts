import { METRIC_LABELS } from '../metrics/labels'
import { bootstrapMean, type BootstrapOptions, type MeanInterval } from './bootstrap'

/** One method's metrics on one video (or why it has none: a video that could not be read, a method that could not run). */
export interface VideoMethodRow {
  video: string
  methodId: string
  metrics?: Record<string, number | string | null>
  error?: string
}

export interface MetricSummary extends MeanInterval {
  methodId: string
  metric: string
}

/**
 * Per method and numeric metric: the mean over the videos that have the metric and its
 * percentile-bootstrap interval (bootstrap.ts). Rows with an error are left out, and so is a video
 * without the metric (e.g. keyframe scores where a video has no annotations, as LV-Haystack
 * averages F1 over the videos it scores). Methods in order of first appearance; metrics in the
 * metrics table's order, then any other numeric key in order of first appearance.
 */
export function summarizeOverVideos(rows: readonly VideoMethodRow[], opts: BootstrapOptions = {}): MetricSummary[] {
  const values = new Map<string, Map<string, number[]>>()
  for (const row of rows) {
    if (row.error || !row.metrics) continue
    let byMetric = values.get(row.methodId)
    if (!byMetric) values.set(row.methodId, (byMetric = new Map()))
    for (const [metric, v] of Object.entries(row.metrics)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue
      let list = byMetric.get(metric)
      if (!list) byMetric.set(metric, (list = []))
      list.push(v)
    }
  }
  const known = Object.keys(METRIC_LABELS)
  const order = (keys: string[]) => [...known.filter((k) => keys.includes(k)), ...keys.filter((k) => !known.includes(k))]
  const out: MetricSummary[] = []
  for (const [methodId, byMetric] of values) {
    for (const metric of order([...byMetric.keys()])) out.push({ methodId, metric, ...bootstrapMean(byMetric.get(metric)!, opts)! })
  }
  return out
}
