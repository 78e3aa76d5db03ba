/**
 * Where things go in the compare view's PNG export (pure): a header line (frame time, methods,
 * budget), the panes side by side each under its title, and the legend below, on a margin.
 */
import type { Rect } from '../frame/viewport'

export interface ExportLayout {
  width: number
  height: number
  /** Baseline of the header text. */
  header: { x: number; y: number }
  /** Per pane: its title's baseline and the picture's rectangle. */
  panes: { title: { x: number; y: number }; rect: Rect }[]
  /** Baseline of the first legend line; one line every `line` px. */
  legend: { x: number; y: number; line: number }
}

export interface ExportMetrics {
  pad: number
  gap: number
  headerHeight: number
  titleHeight: number
  line: number
  minWidth: number
}

export const EXPORT_METRICS: ExportMetrics = { pad: 16, gap: 12, headerHeight: 26, titleHeight: 20, line: 18, minWidth: 520 }

/** The layout for panes of the given sizes (px) and `legendLines` lines of legend. */
export function compareExportLayout(paneSizes: readonly { w: number; h: number }[], legendLines: number, m: ExportMetrics = EXPORT_METRICS): ExportLayout {
  const panesWidth = paneSizes.reduce((s, p) => s + p.w, 0) + m.gap * Math.max(0, paneSizes.length - 1)
  const width = Math.max(m.minWidth, panesWidth + 2 * m.pad)
  const top = m.pad + m.headerHeight
  const paneTop = top + m.titleHeight
  const tallest = Math.max(0, ...paneSizes.map((p) => p.h))
  let x = m.pad
  const panes = paneSizes.map((p) => {
    const pane = { title: { x, y: top + m.titleHeight - 6 }, rect: { x, y: paneTop, w: p.w, h: p.h } }
    x += p.w + m.gap
    return pane
  })
  const legendTop = paneTop + tallest + m.gap
  return {
    width,
    height: legendTop + legendLines * m.line + m.pad,
    header: { x: m.pad, y: m.pad + m.headerHeight - 8 },
    panes,
    legend: { x: m.pad, y: legendTop + m.line - 5, line: m.line },
  }
}
