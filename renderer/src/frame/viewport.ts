/**
 * Zoom and pan of a frame view (pure): the picture fills its canvas at scale 1; zoomed in, a
 * part of it does. A view is the scale and the point of the picture at the canvas centre, in
 * fractions of the picture, so two canvases of different pixel sizes showing the same view show
 * the same part of the frame (the compare view's locked panes).
 */

export interface ZoomView {
  /** ≥ 1: canvas widths the picture spans. */
  scale: number
  /** The picture point at the canvas centre, as fractions (0–1) of its width and height. */
  cx: number
  cy: number
}

/** Where the picture lies on the canvas (canvas pixels). */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export const FIT_VIEW: ZoomView = { scale: 1, cx: 0.5, cy: 0.5 }
export const MAX_SCALE = 16

/** The largest size of aspect `aspect` (w / h) that fits a w × h box, in whole pixels (at least 1). */
export function fitSize(aspect: number, boxW: number, boxH: number): { w: number; h: number } {
  let w = boxW
  let h = w / aspect
  if (h > boxH) {
    h = boxH
    w = h * aspect
  }
  return { w: Math.max(1, Math.floor(w)), h: Math.max(1, Math.floor(h)) }
}

/** Widths a frame is decoded at: buckets, so resizing a view rarely fetches the frame again. */
const DECODE_WIDTHS = [320, 480, 640, 960, 1280, 1920, 2560]

/** The decode width for a canvas `devicePx` device pixels wide: the smallest bucket at least that wide. */
export const decodeWidth = (devicePx: number): number => DECODE_WIDTHS.find((b) => b >= devicePx) ?? DECODE_WIDTHS[DECODE_WIDTHS.length - 1]

/** The view with its centre moved so the picture still covers the whole canvas. */
export function clampView(v: ZoomView): ZoomView {
  const scale = Math.min(MAX_SCALE, Math.max(1, v.scale))
  const half = 0.5 / scale
  const clamp = (c: number) => Math.min(1 - half, Math.max(half, c))
  return { scale, cx: clamp(v.cx), cy: clamp(v.cy) }
}

/** The picture's rectangle on a W × H canvas under view `v`. */
export function pictureRect(v: ZoomView, W: number, H: number): Rect {
  const w = W * v.scale
  const h = H * v.scale
  return { x: W / 2 - v.cx * w, y: H / 2 - v.cy * h, w, h }
}

/** Zooms by `factor` keeping the picture point under canvas point (px, py) where it is. */
export function zoomAt(v: ZoomView, factor: number, px: number, py: number, W: number, H: number): ZoomView {
  const r = pictureRect(v, W, H)
  const fx = (px - r.x) / r.w
  const fy = (py - r.y) / r.h
  const scale = Math.min(MAX_SCALE, Math.max(1, v.scale * factor))
  return clampView({ scale, cx: fx - (px - W / 2) / (W * scale), cy: fy - (py - H / 2) / (H * scale) })
}

/** Moves the picture by (dx, dy) canvas pixels (a drag). */
export const panBy = (v: ZoomView, dx: number, dy: number, W: number, H: number): ZoomView => clampView({ ...v, cx: v.cx - dx / (W * v.scale), cy: v.cy - dy / (H * v.scale) })
