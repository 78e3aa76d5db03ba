import { describe, expect, it } from 'vitest'
import { compareExportLayout, EXPORT_METRICS as M } from './export-layout'

describe('compareExportLayout', () => {
  it('two panes side by side under the header, the legend below the taller one', () => {
    const l = compareExportLayout([{ w: 400, h: 300 }, { w: 400, h: 250 }], 5)
    expect(l.width).toBe(2 * M.pad + 400 + M.gap + 400)
    expect(l.panes.map((p) => p.rect)).toEqual([
      { x: M.pad, y: M.pad + M.headerHeight + M.titleHeight, w: 400, h: 300 },
      { x: M.pad + 400 + M.gap, y: M.pad + M.headerHeight + M.titleHeight, w: 400, h: 250 },
    ])
    const legendTop = l.panes[0].rect.y + 300 + M.gap
    expect(l.legend.y).toBeGreaterThan(legendTop)
    expect(l.height).toBe(legendTop + 5 * M.line + M.pad)
    for (const p of l.panes) expect(p.title.y).toBeLessThan(p.rect.y)
    expect(l.header.y).toBeLessThan(l.panes[0].title.y)
  })

  it('one narrow pane: at least the minimum width', () => {
    const l = compareExportLayout([{ w: 100, h: 80 }], 0)
    expect(l.width).toBe(M.minWidth)
    expect(l.height).toBe(l.panes[0].rect.y + 80 + M.gap + M.pad)
  })
})
