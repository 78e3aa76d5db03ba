/** Drawing an annotation row (stateful canvas code; where things go is row-layout.ts). */
import { labelColour } from '../colour/labels'
import type { RowLayout } from './row-layout'

export interface RowExtras {
  /** Viewport x of the current source frame, or null. */
  playheadX: number | null
  /** Viewport x of a pending segment in point, or null. */
  pendingInX: number | null
  /** Whether this row is the current set's (drawn brighter). */
  current: boolean
}

const BACKGROUND = '#16191f'
const CURRENT_BACKGROUND = '#1c212b'
const SELECTED = '#ffffff'

/** Draws `layout` on `canvas` (device pixels = css px × dpr). */
export function drawRow(canvas: HTMLCanvasElement, layout: RowLayout, extras: RowExtras, dpr: number): void {
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  const w = canvas.width
  const h = canvas.height
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.fillStyle = extras.current ? CURRENT_BACKGROUND : BACKGROUND
  ctx.fillRect(0, 0, w, h)
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  const cssH = h / dpr
  for (const bar of layout.bars) {
    const x0 = Math.max(-2, bar.x0)
    const x1 = Math.min(w / dpr + 2, bar.x1)
    ctx.globalAlpha = bar.selected ? 0.85 : 0.5
    ctx.fillStyle = labelColour(bar.labelIndex)
    ctx.fillRect(x0, 3, x1 - x0, cssH - 6)
    ctx.globalAlpha = 1
    if (bar.selected) {
      ctx.strokeStyle = SELECTED
      ctx.lineWidth = 1.5
      ctx.strokeRect(x0 + 0.75, 2.75, x1 - x0 - 1.5, cssH - 5.5)
    }
  }
  for (const tick of layout.ticks) {
    ctx.fillStyle = tick.selected ? SELECTED : labelColour(tick.labelIndex)
    const width = tick.selected ? 3 : 2
    ctx.fillRect(tick.x - width / 2, 0, width, cssH)
    // A small head on top, so keyframes stand out over segment bars.
    ctx.fillRect(tick.x - width / 2 - 2, 0, width + 4, 3)
  }
  if (extras.pendingInX !== null) {
    ctx.fillStyle = '#e0b341'
    ctx.beginPath()
    ctx.moveTo(extras.pendingInX, 0)
    ctx.lineTo(extras.pendingInX + 6, 0)
    ctx.lineTo(extras.pendingInX, 6)
    ctx.fill()
    ctx.fillRect(extras.pendingInX, 0, 1, cssH)
  }
  if (extras.playheadX !== null) {
    ctx.fillStyle = '#ff5a5a'
    ctx.fillRect(Math.round(extras.playheadX) - 0.5, 0, 1, cssH)
  }
}
