/**
 * Canvas drawing of the frame view (stateful: through the view's own scratch canvases; geometry
 * lives in overlay.ts). The patch layers are drawn as tiny grid-sized images (one pixel per
 * patch) scaled up with smoothing off, so a frame costs a few drawImage calls, not one call per
 * patch.
 */
import type { FrameImage } from '../../../common/ipc/contract'
import type { TokenGrid } from '../../../common/tokens'
import { PRUNED } from '../../../common/token-map'
import { LUTS, packRgba } from '../colour/lut'
import { signalLevels } from '../colour/levels'
import { groupColour } from '../colour/groups'
import { groupOutlineSegments, SEGMENT_STRIDE, Side } from './overlay'

/** An ImageData holding a copy of the frame's RGBA bytes. */
export function imageDataOf(img: FrameImage): ImageData {
  const bytes = new Uint8ClampedArray(img.width * img.height * 4)
  bytes.set(img.rgba.subarray(0, bytes.length))
  return new ImageData(bytes, img.width, img.height)
}

/** Scratch canvases of one frame view: the frame's pixels, and the patch layer (one pixel per patch). */
export interface Scratch {
  frame: HTMLCanvasElement
  patches: HTMLCanvasElement
}

export const createScratch = (): Scratch => ({ frame: document.createElement('canvas'), patches: document.createElement('canvas') })

function sized(c: HTMLCanvasElement, w: number, h: number): HTMLCanvasElement {
  if (c.width !== w) c.width = w
  if (c.height !== h) c.height = h
  return c
}

/** Draws the frame scaled to the canvas (canvas backing store already sized). */
export function drawFrame(canvas: HTMLCanvasElement, img: FrameImage | null, scratch: Scratch) {
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = '#0b0c0f'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  if (!img) return
  const src = sized(scratch.frame, img.width, img.height)
  src.getContext('2d')!.putImageData(imageDataOf(img), 0, 0)
  ctx.imageSmoothingEnabled = true
  ctx.drawImage(src, 0, 0, canvas.width, canvas.height)
}

export interface OverlayInput {
  grid: TokenGrid
  /** Importance of this frame [N], or null. */
  importance: Float32Array | null
  /** Output token per patch of this frame [N] (-1 pruned), or null without a result. */
  groups: Int32Array | null
  /** [M] patches per output token. */
  sizes: Float32Array | null
  showHeat: boolean
  showMap: boolean
  /** 0..1 */
  opacity: number
  /** Output token under the pointer, -1 for none. */
  hoverGroup: number
}

/** Draws heatmap, pruned-patch dimming, merged-group tints and outlines and the hover highlight. */
export function drawOverlay(canvas: HTMLCanvasElement, o: OverlayInput, scratch: Scratch) {
  const ctx = canvas.getContext('2d')!
  const W = canvas.width
  const H = canvas.height
  ctx.clearRect(0, 0, W, H)
  const { h, w } = o.grid
  const n = h * w
  if (n === 0) return
  const patches = sized(scratch.patches, w, h)
  const pctx = patches.getContext('2d')!
  const img = pctx.createImageData(w, h)
  const words = new Uint32Array(img.data.buffer)
  ctx.imageSmoothingEnabled = false

  if (o.showHeat && o.importance && o.importance.length >= n) {
    const levels = signalLevels(o.importance, n)
    for (let i = 0; i < n; i++) words[i] = LUTS.inferno[levels[i]]
    pctx.putImageData(img, 0, 0)
    ctx.globalAlpha = 0.65 * o.opacity
    ctx.drawImage(patches, 0, 0, W, H)
    ctx.globalAlpha = 1
  }

  const groups = o.groups
  if (o.showMap && groups && o.sizes) {
    const dim = packRgba(0, 0, 0, Math.round(200 * o.opacity))
    for (let i = 0; i < n; i++) {
      const g = groups[i]
      if (g === PRUNED) words[i] = dim
      else if (o.sizes[g] >= 2) {
        const [r, gg, b] = groupColour(g)
        words[i] = packRgba(r, gg, b, Math.round((g === o.hoverGroup ? 150 : 60) * o.opacity))
      } else words[i] = g === o.hoverGroup ? packRgba(255, 255, 255, Math.round(110 * o.opacity)) : 0
    }
    pctx.putImageData(img, 0, 0)
    ctx.drawImage(patches, 0, 0, W, H)

    // Outlines: each side of a merged group in the group's colour, inset into its own patch so
    // the outlines of two neighbouring groups lie side by side instead of on top of each other.
    const seg = groupOutlineSegments(groups, o.grid, o.sizes)
    const sx = W / w
    const sy = H / h
    ctx.lineWidth = Math.max(1, Math.min(sx, sy) / 8)
    const inset = ctx.lineWidth / 2
    ctx.globalAlpha = Math.min(1, 0.35 + o.opacity)
    for (let s = 0; s < seg.length; s += SEGMENT_STRIDE) {
      const g = seg[s + 4]
      const side = seg[s + 5]
      const [r, gg, b] = groupColour(g)
      ctx.strokeStyle = g === o.hoverGroup ? '#ffffff' : `rgb(${r}, ${gg}, ${b})`
      const dx = side === Side.Left ? inset : side === Side.Right ? -inset : 0
      const dy = side === Side.Top ? inset : side === Side.Bottom ? -inset : 0
      ctx.beginPath()
      ctx.moveTo(seg[s] * sx + dx, seg[s + 1] * sy + dy)
      ctx.lineTo(seg[s + 2] * sx + dx, seg[s + 3] * sy + dy)
      ctx.stroke()
    }
    ctx.globalAlpha = 1
  }
}
