/**
 * Canvas drawing of the timeline (stateful; geometry lives in layout.ts, the pixels of a heat
 * row in heat-line.ts, colours in ../colour).
 *
 * The ruler canvas (time ruler, sampled-frame and keyframe ticks, thumbnail strip, playhead) is
 * redrawn in full each time — it only draws what is visible. Each heat row has its own canvas.
 * A heat row is one line of pixels repeated downwards, so a tile is one line of TILE_CSS css
 * pixels, rendered once per (levels array, zoom level, tile index) from per-frame LUT levels that
 * were computed once per data change. A redraw composes the visible tiles into the row's reused
 * pixel buffer (plain copies) and puts it with one putImageData: scrolling renders only the tiles
 * that just came into view, and a new result for one row leaves the other rows' tiles cached.
 *
 * All drawing is in device pixels; a tile covers device content x [i·tileW, (i+1)·tileW).
 */
import { ppsOfLevel, timeToX, type ThumbnailSlot, visibleTiles, visibleTimeRange, type Viewport } from './layout'
import { frameAtTime, frameEnd } from '../util/frames'
import { fillHeatLine, type Aggregate, type FrameLevels } from './heat-line'
import { packRgba } from '../colour/lut'
import { formatPts } from '../util/format'

export interface HeatRow {
  id: string
  /**
   * LUT level per frame [count] (../colour/levels.ts). Tiles are cached per array: new data
   * comes as a new array (never written into one already drawn).
   */
  levels: Uint8Array
  /** Frames with a value (≤ the timeline's frame count while results are partial). */
  count: number
  lut: Uint32Array
  /** How frames sharing one pixel column combine: spikes stay visible with 'max'. */
  aggregate: Aggregate
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

const TILE_CSS = 256
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
  const buffers = new WeakMap<HTMLCanvasElement, { image: ImageData; words: Uint32Array }>()
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

  /** The frames of `row` on the time axis: its own times, or the sampled frames that exist so far. */
  const framesOf = (data: TimelineData, row: HeatRow): FrameLevels => {
    if (row.own) {
      const { pts, end } = row.own
      return { pts, levels: row.levels, count: row.count, end: row.count > 0 ? Math.max(end, pts[row.count - 1]) : end, aggregate: row.aggregate }
    }
    const count = Math.min(data.count, row.count)
    const end = count > 0 ? frameEnd(data.pts, count - 1, data.lastInterval, count) : 0
    return { pts: data.pts, levels: row.levels, count, end, aggregate: row.aggregate }
  }

  /** Renders tile `index` of `row` (tileW device px at `ppsD` device px per second) into a line. */
  const renderTile = (data: TimelineData, row: HeatRow, index: number, tileW: number, ppsD: number): Uint32Array => {
    let line = spare.pop()
    if (!line || line.length !== tileW) line = new Uint32Array(tileW)
    tilesRendered++
    return fillHeatLine(line, index * tileW, ppsD, framesOf(data, row), row.lut, BACKGROUND)
  }

  /** A number per levels array (the tile cache's version of a row's data). */
  const levelIds = new WeakMap<Uint8Array, number>()
  let nextLevelId = 0
  const levelId = (levels: Uint8Array): number => {
    let id = levelIds.get(levels)
    if (id === undefined) levelIds.set(levels, (id = nextLevelId++))
    return id
  }

  const pixelsOf = (canvas: HTMLCanvasElement) => {
    let px = buffers.get(canvas)
    if (!px || px.image.width !== canvas.width || px.image.height !== canvas.height) {
      const image = new ImageData(canvas.width, canvas.height)
      px = { image, words: new Uint32Array(image.data.buffer) }
      buffers.set(canvas, px)
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
      const key = `${row.id}@${levelId(row.levels)}:${view.level}:${i}:${tileW}`
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
      ctx.fillRect(Math.round(timeToX(view.previewTime, vp) * dpr) - Math.floor(dpr / 2), 0, Math.max(1, Math.round(dpr * 1.5)), H)
    }
    if (view.frame < 0 || view.frame >= data.count) return
    const start = timeToX(data.pts[view.frame], vp)
    const end = timeToX(frameEnd(data.pts, view.frame, data.lastInterval, data.count), vp)
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
    const [t0, t1] = visibleTimeRange(vp)

    // Time ruler: labelled ticks at least 90 css px apart.
    const step = TICK_STEPS.find((s) => s * vp.pps >= 90) ?? TICK_STEPS[TICK_STEPS.length - 1]
    ctx.fillStyle = '#3a4150'
    ctx.font = '11px system-ui, sans-serif'
    ctx.textBaseline = 'top'
    const extentEnd = Math.min(t1, data.duration)
    for (let t = Math.ceil(t0 / step) * step; t <= extentEnd; t += step) {
      const x = Math.round(timeToX(t, vp)) + 0.5
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
        ctx.fillRect(Math.round(timeToX(data.pts[i], vp)), top - 5, 1, 5)
      }
    }

    // Keyframes from the quick look: one line per keyframe, at most one per pixel.
    const kf = data.keyframes
    if (kf && kf.length > 0) {
      ctx.fillStyle = '#e0b341'
      let lastX = -1
      const end = frameAtTime(kf, t1)
      for (let i = frameAtTime(kf, t0); i <= end; i++) {
        const x = Math.round(timeToX(kf[i], vp))
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
      const x = timeToX(playTime, vp)
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
