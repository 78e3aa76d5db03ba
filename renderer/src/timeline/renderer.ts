/**
 * Canvas drawing of the timeline (stateful; geometry lives in layout.ts, colours in colour.ts).
 *
 * The ruler canvas (time ruler, sampled-frame and keyframe ticks, thumbnail strip, playhead) is
 * redrawn in full each time — it only draws what is visible. Each heat row has its own canvas.
 * A heat row is one line of pixels repeated downwards, so a tile is one line of TILE_CSS css
 * pixels, rendered once per (row version, zoom level, tile index) from per-frame LUT indices that
 * were computed once per data change. A redraw composes the visible tiles into the row's reused
 * pixel buffer (plain copies) and puts it with one putImageData: scrolling renders only the tiles
 * that just came into view, and a new result for one row leaves the other rows' tiles cached.
 *
 * All drawing is in device pixels; a tile covers device content x [i·tileW, (i+1)·tileW).
 */
import { frameAtTime, frameEnd, ppsOfLevel, type ThumbnailSlot, visibleTiles, type Viewport } from './layout'
import { packRgba } from './colour'
import { formatPts } from '../util/format'

export interface HeatRow {
  id: string
  label: string
  /** Changes whenever levels or the frames' pts change (a new version renders new tiles). */
  version: number
  /** LUT index per frame [count] (quantised once per data change, colour.ts `quantise`). */
  levels: Uint8Array
  /** Frames with a value (≤ the timeline's frame count while results are partial). */
  count: number
  lut: Uint32Array
  /** How frames sharing one pixel column combine: spikes stay visible with 'max'. */
  aggregate: 'max' | 'mean'
  /**
   * The row's own times [count] when its values are not per sampled frame (the quick look's
   * keyframes); each value then spans until the next time, the last one until `end` (s).
   */
  own?: { pts: Float64Array; end: number }
}

export interface TimelineData {
  /** Presentation timestamps of the sampled frames that exist so far [count]. */
  pts: Float64Array
  count: number
  /** Span of the last frame (typical interval). */
  lastInterval: number
  /** Video duration (seconds): the timeline's extent even before frames arrive. */
  duration: number
  rows: HeatRow[]
  /** Keyframe (I-frame) timestamps from the quick look. */
  keyframes: Float64Array | null
}

export interface TimelineView {
  level: number
  /** Content x (css px) at the left edge. */
  scroll: number
  /** css px. */
  width: number
  /** Current frame, -1 for none. */
  frame: number
  thumbnails: ThumbnailSlot[]
  /** A decoded thumbnail, or null while it loads. */
  thumbnail: (frame: number) => CanvasImageSource | null
  /** Time (s) shown in the frame view while no sampled frame exists yet (preview scrubbing). */
  previewTime?: number
}

/** Heights (css px) of the ruler canvas's bands; the thumbnail band is 0 when hidden. */
export interface TimelineMetrics {
  rulerHeight: number
  keyframeHeight: number
  thumbHeight: number
}

export const TILE_CSS = 256
export const DEFAULT_METRICS: TimelineMetrics = { rulerHeight: 20, keyframeHeight: 8, thumbHeight: 0 }

const BACKGROUND = packRgba(22, 25, 31)
/** Cached tile lines (a line is 1 KB at dpr 1: cheap to keep many). */
const MAX_TILES = 2048
const TICK_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800]

export const rulerCanvasHeight = (m: TimelineMetrics): number => m.rulerHeight + m.keyframeHeight + m.thumbHeight

export interface TimelineRenderer {
  /** Draws the ruler and every row that has a canvas; backing stores must already be width·dpr wide. */
  draw(data: TimelineData, view: TimelineView, dpr: number): void
  /** Drops all cached tiles (e.g. after a device-pixel-ratio change). */
  invalidate(): void
  /** Tiles rendered since creation (for the benchmark and tests of caching). */
  readonly tilesRendered: number
}

export function createTimelineRenderer(
  rulerCanvas: HTMLCanvasElement,
  rowCanvas: (rowId: string) => HTMLCanvasElement | null,
  metrics: () => TimelineMetrics = () => DEFAULT_METRICS,
): TimelineRenderer {
  /** Rendered tiles: one line of tileW pixels each (a heat row is one line repeated downwards). */
  const cache = new Map<string, Uint32Array>()
  /** Per row canvas, the reused full-size pixel buffer it is composed in. */
  const frames = new WeakMap<HTMLCanvasElement, { image: ImageData; words: Uint32Array }>()
  /** Evicted lines, reused so steady scrolling allocates nothing. */
  const spare: Uint32Array[] = []
  let tilesRendered = 0

  const invalidate = () => {
    for (const line of cache.values()) spare.push(line)
    cache.clear()
  }

  const evict = () => {
    while (cache.size > MAX_TILES) {
      const oldest = cache.keys().next().value as string
      spare.push(cache.get(oldest)!)
      cache.delete(oldest)
    }
    if (spare.length > MAX_TILES) spare.length = MAX_TILES
  }

  /** Renders tile `index` of `row` (tileW device px at `ppsD` device px per second) into a line. */
  const renderTile = (data: TimelineData, row: HeatRow, index: number, tileW: number, ppsD: number): Uint32Array => {
    let line = spare.pop()
    if (!line || line.length !== tileW) line = new Uint32Array(tileW)
    line.fill(BACKGROUND)
    const pts = row.own?.pts ?? data.pts
    const count = row.own ? row.count : Math.min(data.count, row.count)
    tilesRendered++
    if (count === 0) return line
    const { levels, lut } = row
    const videoEnd = row.own ? Math.max(row.own.end, pts[count - 1]) : frameEnd(pts, count - 1, data.lastInterval, count)
    const x0 = index * tileW
    let f = frameAtTime(pts, x0 / ppsD, count)
    for (let px = 0; px < tileW; px++) {
      const t0 = (x0 + px) / ppsD
      const t1 = (x0 + px + 1) / ppsD
      if (t1 <= pts[0]) continue
      if (t0 >= videoEnd) break
      while (f + 1 < count && pts[f + 1] <= t0) f++
      let g = f
      while (g + 1 < count && pts[g + 1] < t1) g++
      let level: number
      if (row.aggregate === 'max') {
        level = 0
        for (let i = f; i <= g; i++) if (levels[i] > level) level = levels[i]
      } else {
        let sum = 0
        for (let i = f; i <= g; i++) sum += levels[i]
        level = Math.round(sum / (g - f + 1))
      }
      line[px] = lut[level]
      f = g
    }
    return line
  }

  const pixelsOf = (canvas: HTMLCanvasElement) => {
    let px = frames.get(canvas)
    if (!px || px.image.width !== canvas.width || px.image.height !== canvas.height) {
      const image = new ImageData(canvas.width, canvas.height)
      px = { image, words: new Uint32Array(image.data.buffer) }
      frames.set(canvas, px)
    }
    return px
  }

  const drawRow = (data: TimelineData, row: HeatRow, canvas: HTMLCanvasElement, view: TimelineView, dpr: number, vp: Viewport) => {
    const W = canvas.width
    const H = canvas.height
    if (W === 0 || H === 0) return
    const { image, words } = pixelsOf(canvas)
    const tileW = Math.round(TILE_CSS * dpr)
    const ppsD = vp.pps * dpr
    const shift = Math.round(vp.scroll * dpr)
    // Compose the first line from cached tiles, then copy it down the row.
    words.fill(BACKGROUND, 0, W)
    const { first, last } = visibleTiles(shift, W, tileW, data.duration * ppsD)
    for (let i = first; i <= last; i++) {
      const key = `${row.id}@${row.version}:${view.level}:${i}:${tileW}`
      let tile = cache.get(key)
      if (tile) cache.delete(key) // re-inserted below: Map order is the LRU order
      else tile = renderTile(data, row, i, tileW, ppsD)
      cache.set(key, tile)
      const x = i * tileW - shift
      const from = Math.max(0, -x)
      const to = Math.min(tileW, W - x)
      if (to > from) words.set(tile.subarray(from, to), x + from)
    }
    evict()
    for (let y = 1; y < H; y++) words.copyWithin(y * W, 0, W)
    const ctx = canvas.getContext('2d')!
    ctx.putImageData(image, 0, 0)
    drawPlayhead(ctx, data, view, vp, dpr, H)
  }

  const drawPlayhead = (ctx: CanvasRenderingContext2D, data: TimelineData, view: TimelineView, vp: Viewport, dpr: number, H: number) => {
    if (data.count === 0 && view.previewTime !== undefined) {
      ctx.fillStyle = '#ffffff'
      ctx.fillRect(Math.round((view.previewTime * vp.pps - vp.scroll) * dpr) - Math.floor(dpr / 2), 0, Math.max(1, Math.round(dpr * 1.5)), H)
    }
    if (view.frame < 0 || view.frame >= data.count) return
    const start = data.pts[view.frame] * vp.pps - vp.scroll
    const end = frameEnd(data.pts, view.frame, data.lastInterval, data.count) * vp.pps - vp.scroll
    if ((end - start) * dpr >= 4) {
      ctx.fillStyle = 'rgba(255, 255, 255, 0.16)'
      ctx.fillRect(Math.round(start * dpr), 0, Math.round((end - start) * dpr), H)
    }
    ctx.fillStyle = '#ffffff'
    ctx.fillRect(Math.round(start * dpr) - Math.floor(dpr / 2), 0, Math.max(1, Math.round(dpr * 1.5)), H)
  }

  const drawRuler = (data: TimelineData, view: TimelineView, dpr: number, m: TimelineMetrics, vp: Viewport) => {
    const ctx = rulerCanvas.getContext('2d')!
    const W = rulerCanvas.width
    const H = rulerCanvas.height
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.fillStyle = '#111318'
    ctx.fillRect(0, 0, W, H)
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    const [t0, t1] = [vp.scroll / vp.pps, (vp.scroll + vp.width) / vp.pps]

    // Time ruler: labelled ticks at least 90 css px apart.
    const step = TICK_STEPS.find((s) => s * vp.pps >= 90) ?? TICK_STEPS[TICK_STEPS.length - 1]
    ctx.fillStyle = '#3a4150'
    ctx.font = '11px system-ui, sans-serif'
    ctx.textBaseline = 'top'
    const extentEnd = Math.min(t1, data.duration)
    for (let t = Math.ceil(t0 / step) * step; t <= extentEnd; t += step) {
      const x = Math.round(t * vp.pps - vp.scroll) + 0.5
      ctx.fillStyle = '#3a4150'
      ctx.fillRect(x, 0, 1, m.rulerHeight)
      ctx.fillStyle = '#9aa3b5'
      const label = formatPts(t)
      ctx.fillText(step >= 1 ? label.slice(0, -4) : label, x + 3, 4)
    }

    // Sampled-frame ticks, once frames are at least 6 px apart.
    const top = m.rulerHeight
    if (data.count > 0 && data.lastInterval * vp.pps >= 6) {
      ctx.fillStyle = '#5b6577'
      const last = frameAtTime(data.pts, t1, data.count)
      for (let i = frameAtTime(data.pts, t0, data.count); i <= last; i++) {
        ctx.fillRect(Math.round(data.pts[i] * vp.pps - vp.scroll), top - 5, 1, 5)
      }
    }

    // Keyframes from the quick look: one line per keyframe, at most one per pixel.
    const kf = data.keyframes
    if (kf && kf.length > 0) {
      ctx.fillStyle = '#e0b341'
      let lastX = -1
      const end = frameAtTime(kf, t1)
      for (let i = frameAtTime(kf, t0); i <= end; i++) {
        const x = Math.round(kf[i] * vp.pps - vp.scroll)
        if (x === lastX || x < 0) continue
        lastX = x
        ctx.fillRect(x, top + 1, 1, m.keyframeHeight - 2)
      }
    }

    // Thumbnail strip.
    if (m.thumbHeight > 0) {
      const y = m.rulerHeight + m.keyframeHeight
      for (const slot of view.thumbnails) {
        const img = view.thumbnail(slot.frame)
        if (img) ctx.drawImage(img, slot.x + 1, y + 1, slot.width - 2, m.thumbHeight - 2)
        else {
          ctx.fillStyle = '#1f232b'
          ctx.fillRect(slot.x + 1, y + 1, slot.width - 2, m.thumbHeight - 2)
        }
      }
    }

    // Playhead (or the previewed time before any frame is encoded).
    const playTime = view.frame >= 0 && view.frame < data.count ? data.pts[view.frame] : data.count === 0 ? view.previewTime : undefined
    if (playTime !== undefined) {
      const x = playTime * vp.pps - vp.scroll
      ctx.fillStyle = '#ffffff'
      ctx.beginPath()
      ctx.moveTo(x - 5, 0)
      ctx.lineTo(x + 5, 0)
      ctx.lineTo(x, 7)
      ctx.fill()
      ctx.fillRect(Math.round(x), 0, 1.5, H / dpr)
    }
  }

  return {
    draw(data, view, dpr) {
      const m = metrics()
      const vp: Viewport = { scroll: view.scroll, width: view.width, pps: ppsOfLevel(view.level) }
      for (const row of data.rows) {
        const canvas = rowCanvas(row.id)
        if (canvas) drawRow(data, row, canvas, view, dpr, vp)
      }
      drawRuler(data, view, dpr, m, vp)
    },
    invalidate,
    get tilesRendered() {
      return tilesRendered
    },
  }
}
