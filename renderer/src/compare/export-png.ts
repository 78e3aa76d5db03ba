/**
 * The compare view as one PNG (stateful: draws on a canvas of its own; positions from
 * export-layout.ts): the header, each pane as drawn on screen (frame, then overlay) under its
 * title, and the legend lines, each with an optional colour swatch.
 */
import { compareExportLayout } from './export-layout'

export interface ExportPane {
  title: string
  /** The pane's canvases, bottom first, all the same size. */
  layers: HTMLCanvasElement[]
}

export interface LegendLine {
  text: string
  /** CSS colour of a swatch before the text. */
  swatch?: string
}

const FONT = '13px system-ui, sans-serif'

export async function compareViewPng(header: string, panes: readonly ExportPane[], legend: readonly LegendLine[]): Promise<Uint8Array> {
  const sizes = panes.map((p) => ({ w: p.layers[0]?.width ?? 0, h: p.layers[0]?.height ?? 0 }))
  const l = compareExportLayout(sizes, legend.length)
  const canvas = document.createElement('canvas')
  canvas.width = l.width
  canvas.height = l.height
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = '#111318'
  ctx.fillRect(0, 0, l.width, l.height)
  ctx.font = `600 ${FONT}`
  ctx.fillStyle = '#e8ecf3'
  ctx.fillText(header, l.header.x, l.header.y)
  ctx.font = FONT
  panes.forEach((p, i) => {
    const { title, rect } = l.panes[i]
    ctx.fillStyle = '#c8cfdb'
    ctx.fillText(p.title, title.x, title.y)
    for (const layer of p.layers) ctx.drawImage(layer, rect.x, rect.y, rect.w, rect.h)
  })
  legend.forEach((line, i) => {
    const y = l.legend.y + i * l.legend.line
    let x = l.legend.x
    if (line.swatch) {
      ctx.fillStyle = line.swatch
      ctx.fillRect(x, y - 10, 14, 10)
      ctx.strokeStyle = '#9aa3b5'
      ctx.strokeRect(x + 0.5, y - 9.5, 13, 9)
      x += 20
    }
    ctx.fillStyle = '#c8cfdb'
    ctx.fillText(line.text, x, y)
  })
  const blob = await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the PNG could not be made'))), 'image/png'))
  return new Uint8Array(await blob.arrayBuffer())
}
