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
import { differenceWords } from '../colour/difference'
import { groupOutlineSegments, SEGMENT_STRIDE, Side } from './overlay'
import type { Rect } from './viewport'

/** An ImageData holding a copy of the frame's RGBA bytes. */
export function imageDataOf(img: FrameImage): ImageData {
  const bytes = new Uint8ClampedArray(img.width * img.height * 4)
  bytes.set(img.rgba.subarray(0, bytes.length))
  return new ImageData(bytes, img.width, img.height)
}

/**
 * Scratch canvases of a frame view (or of views showing the same frame, such as the compare
 * panes, which then convert each frame's pixels once): the frame's pixels and which image they
 * are, and the patch layer (one pixel per patch).
 */
export interface Scratch {
  frame: HTMLCanvasElement
  frameImage: FrameImage | null
  patches: HTMLCanvasElement
}

export const createScratch = (): Scratch => ({ frame: document.createElement('canvas'), frameImage: null, patches: document.createElement('canvas') })

function sized(c: HTMLCanvasElement, w: number, h: number): HTMLCanvasElement {
  if (c.width !== w) c.width = w
  if (c.height !== h) c.height = h
  return c
}

/** Sizes the canvases' backing stores to a css size at the device pixel ratio; returns that size in device px. */
export function sizeCanvases(canvases: readonly HTMLCanvasElement[], cssW: number, cssH: number): { W: number; H: number } {
  const dpr = window.devicePixelRatio || 1
  const W = Math.round(cssW * dpr)
  const H = Math.round(cssH * dpr)
  for (const c of canvases) sized(c, W, H)
  return { W, H }
}

/** The whole canvas: where the picture lies when it is not zoomed. */
const wholeCanvas = (c: HTMLCanvasElement): Rect => ({ x: 0, y: 0, w: c.width, h: c.height })

/** Draws the frame into `rect` of the canvas (default: all of it; canvas backing store already sized). */
export function drawFrame(canvas: HTMLCanvasElement, img: FrameImage | null, scratch: Scratch, rect = wholeCanvas(canvas)) {
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = '#0b0c0f'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  if (!img) return
  const src = sized(scratch.frame, img.width, img.height)
  if (scratch.frameImage !== img) {
    src.getContext('2d')!.putImageData(imageDataOf(img), 0, 0)
    scratch.frameImage = img
  }
  ctx.imageSmoothingEnabled = true
  ctx.drawImage(src, rect.x, rect.y, rect.w, rect.h)
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

/** The cleared canvas and the patch layer of a (non-empty) grid: one pixel per patch, its words to fill, and how to put it on the canvas. */
function patchLayer(canvas: HTMLCanvasElement, grid: TokenGrid, scratch: Scratch, rect: Rect) {
  const ctx = canvas.getContext('2d')!
  ctx.clearRect(0, 0, canvas.width, canvas.height)
  if (grid.h * grid.w === 0) return null
  const patches = sized(scratch.patches, grid.w, grid.h)
  const pctx = patches.getContext('2d')!
  const img = pctx.createImageData(grid.w, grid.h)
  ctx.imageSmoothingEnabled = false
  return {
    ctx,
    words: new Uint32Array(img.data.buffer),
    put(alpha = 1) {
      pctx.putImageData(img, 0, 0)
      ctx.globalAlpha = alpha
      ctx.drawImage(patches, rect.x, rect.y, rect.w, rect.h)
      ctx.globalAlpha = 1
    },
  }
}

/** The importance heatmap into the layer's words, put at 0.65 × opacity. */
function putHeat(layer: NonNullable<ReturnType<typeof patchLayer>>, importance: Float32Array | null, n: number, opacity: number) {
  if (!importance || importance.length < n) return
  const levels = signalLevels(importance, n)
  for (let i = 0; i < n; i++) layer.words[i] = LUTS.inferno[levels[i]]
  layer.put(0.65 * opacity)
}

/** Draws heatmap, pruned-patch dimming, merged-group tints and outlines and the hover highlight, into `rect` (default: the whole canvas). */
export function drawOverlay(canvas: HTMLCanvasElement, o: OverlayInput, scratch: Scratch, rect = wholeCanvas(canvas)) {
  const { h, w } = o.grid
  const n = h * w
  const layer = patchLayer(canvas, o.grid, scratch, rect)
  if (!layer) return
  const { ctx, words } = layer
  if (o.showHeat) putHeat(layer, o.importance, n, o.opacity)

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
    layer.put()

    // Outlines: each side of a merged group in the group's colour, inset into its own patch so
    // the outlines of two neighbouring groups lie side by side instead of on top of each other;
    // one path per group, stroked once.
    const seg = groupOutlineSegments(groups, o.grid, o.sizes)
    const sx = rect.w / w
    const sy = rect.h / h
    ctx.lineWidth = Math.max(1, Math.min(sx, sy) / 8)
    const inset = ctx.lineWidth / 2
    const paths = new Map<number, Path2D>()
    for (let s = 0; s < seg.length; s += SEGMENT_STRIDE) {
      const g = seg[s + 4]
      const side = seg[s + 5]
      let path = paths.get(g)
      if (!path) paths.set(g, (path = new Path2D()))
      const dx = side === Side.Left ? inset : side === Side.Right ? -inset : 0
      const dy = side === Side.Top ? inset : side === Side.Bottom ? -inset : 0
      path.moveTo(rect.x + seg[s] * sx + dx, rect.y + seg[s + 1] * sy + dy)
      path.lineTo(rect.x + seg[s + 2] * sx + dx, rect.y + seg[s + 3] * sy + dy)
    }
    ctx.globalAlpha = Math.min(1, 0.35 + o.opacity)
    for (const [g, path] of paths) {
      const [r, gg, b] = groupColour(g)
      ctx.strokeStyle = g === o.hoverGroup ? '#ffffff' : `rgb(${r}, ${gg}, ${b})`
      ctx.stroke(path)
    }
    ctx.globalAlpha = 1
  }
}

export interface DifferenceInput {
  grid: TokenGrid
  /** Difference category (common/compare/difference.ts) of each patch of this frame [N], or null. */
  categories: Uint8Array | null
  importance: Float32Array | null
  showHeat: boolean
  opacity: number
  /** The patch under the pointer, -1 for none: outlined. */
  hoverPatch: number
}

/** Draws the difference overlay: each patch tinted by its category (colour/difference.ts), into `rect`. */
export function drawDifference(canvas: HTMLCanvasElement, o: DifferenceInput, scratch: Scratch, rect = wholeCanvas(canvas)) {
  const { h, w } = o.grid
  const n = h * w
  const layer = patchLayer(canvas, o.grid, scratch, rect)
  if (!layer) return
  if (o.showHeat) putHeat(layer, o.importance, n, o.opacity)
  if (!o.categories || o.categories.length < n) return
  const words = differenceWords(o.opacity)
  for (let i = 0; i < n; i++) layer.words[i] = words[o.categories[i]]
  layer.put()
  if (o.hoverPatch >= 0 && o.hoverPatch < n) {
    const sx = rect.w / w
    const sy = rect.h / h
    layer.ctx.strokeStyle = '#ffffff'
    layer.ctx.lineWidth = Math.max(1, Math.min(sx, sy) / 8)
    layer.ctx.strokeRect(rect.x + (o.hoverPatch % w) * sx, rect.y + Math.floor(o.hoverPatch / w) * sy, sx, sy)
  }
}
