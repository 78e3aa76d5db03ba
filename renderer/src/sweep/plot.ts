/**
 * The sweep plot, drawn by Observable Plot (@observablehq/plot): one line and one dot per method
 * and budget, the metric against the share of tokens kept (log axis), each line labelled right of
 * the plot at its last value, inside the SVG (so an exported SVG or PNG carries its own legend;
 * plot-layout.ts keeps the labels apart), and a tip on hover.
 * Plot was chosen because it renders plain SVG (the SVG export is the element itself, the PNG a
 * rasterised copy), has pointer tips and exposes the pointed datum as the figure's `value`
 * (which a click reads), and draws the axes, ticks and grid itself.
 */
import * as Plot from '@observablehq/plot'
import type { PlotPoint } from './series'
import { endLabels, yDomain } from './plot-layout'
import { formatMetric, formatShare } from '../util/format'
import type { MetricLabel } from '../../../common/metrics/labels'

export interface SweepPlotOptions {
  width: number
  height: number
  /** The y metric's label and unit (common/metrics/labels.ts). */
  label: MetricLabel
  /** Method ids in legend order (fixes their colours). */
  methods: string[]
}

/** Share and budget of a point, as its tip and accessible label read. */
const describe = (p: PlotPoint, label: MetricLabel) =>
  `${p.methodId}\nbudget ${formatShare(p.budget)} (${p.budgetTokens.toLocaleString('en-US')} tokens)\nkept ${formatShare(p.x)} (${p.tokensOut.toLocaleString('en-US')} tokens)\n${label.label}: ${formatMetric(p.y, label.unit)}`

/** The plot's figure (an SVG element); its `value` is the point under the pointer, or null. */
export function sweepPlot(points: PlotPoint[], o: SweepPlotOptions): SVGSVGElement & { value?: PlotPoint | null } {
  const arrow = o.label.better === 'higher' ? ' ↑ better' : o.label.better === 'lower' ? ' ↓ better' : ''
  const margin = { top: 30, bottom: 40 }
  const domain = yDomain(points.map((p) => p.y))
  const labels = endLabels(points, domain, o.height - margin.top - margin.bottom)
  const xRight = Math.max(...points.map((p) => p.x))
  return Plot.plot({
    width: o.width,
    height: o.height,
    marginLeft: 60,
    marginRight: 130,
    marginTop: margin.top,
    marginBottom: margin.bottom,
    style: { background: '#111318', color: '#c8cfdb', fontSize: '12px', fontFamily: 'system-ui, sans-serif' },
    x: { type: 'log', label: 'tokens kept (share of the input) →', tickFormat: (d: number) => formatShare(d), grid: true },
    y: { label: `${o.label.label}${arrow}`, grid: true, domain, tickFormat: o.label.unit === 'share' ? (d: number) => formatShare(d) : undefined },
    color: { domain: o.methods, scheme: 'observable10' },
    marks: [
      Plot.line(points, { x: 'x', y: 'y', z: 'methodId', stroke: 'methodId', strokeWidth: 1.5 }),
      Plot.dot(points, { x: 'x', y: 'y', fill: 'methodId', r: 4, ariaLabel: (p: PlotPoint) => `${p.methodId} at ${formatShare(p.budget)}` }),
      Plot.text(labels, { x: () => xRight, y: 'y', text: 'methodId', fill: 'methodId', dx: 10, textAnchor: 'start', clip: false }),
      Plot.tip(points, Plot.pointer({ x: 'x', y: 'y', title: (p: PlotPoint) => describe(p, o.label), fill: '#1b1f27', stroke: '#3a4150' })),
    ],
  }) as SVGSVGElement & { value?: PlotPoint | null }
}
