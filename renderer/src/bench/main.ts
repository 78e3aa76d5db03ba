/**
 * Renderer benchmark (bench.html), opened in Chromium by `npm run bench`.
 *
 * 1. Timeline redraw of a synthetic 3-hour video sampled at 1 fps (10,800 frames, 3 heat rows)
 *    at several zoom levels, with the production renderer: while scrolling (a third of the view
 *    per redraw, so new tiles come into view every time) and cold (tile cache dropped first).
 * 2. A 1-hour token map (3,600 frames × 196 patches): decodeTokenMap plus what the UI prepares
 *    when a result arrives (heat-row levels, the shown frame's outlines), and separately the
 *    source-patch index the first hover builds.
 * 3. The compare view on two 1-hour token maps (compare.ts): switching to another frame with both
 *    panes' frames and overlays, and the difference of the two maps a new result costs.
 * 4. Hand annotation: a 10,000-keyframe project arriving and its row drawn; one edit.
 *
 * Results go to `window.__benchResult` = { done, results: { name: { median, p95, runs, targetMs } }, pass }
 * (times in ms, measured on the CPU side of the canvas calls).
 */
import { createRng as rng } from '../../../common/tensor/rng'
import { frameShare, type TokenMap } from '../../../common/token-map'
import { syntheticTokenMap } from '../../../common/bench/synthetic-token-map'
import { createApi } from '../api/client'
import { RECOMPUTE_DEBOUNCE_MS } from '../stores/methods'
import { decodeTokenMap, encodeTokenMap } from '../../../common/codec/token-map-codec'
import { createTimelineRenderer, DEFAULT_METRICS, rulerCanvasHeight, type HeatRow, type TimelineData, type TimelineView } from '../timeline/renderer'
import { levelForSpan, levelToFit, ppsOfLevel, clampScroll, contentWidth } from '../timeline/layout'
import { LUTS } from '../colour/lut'
import { shareLevels, signalLevels } from '../colour/levels'
import { buildGroupIndex, frameGroups, groupOutlineSegments } from '../frame/overlay'
import { stat, type BenchStat } from './stat'
import { benchCompare } from './compare'
import { syntheticAnnotations } from '../../../common/bench/synthetic-annotations'
import type { AnnotationProject } from '../../../common/annotations/model'
import { applyOp } from '../../../common/annotations/ops'
import { emptyHistory, recordEdit } from '../../../common/annotations/history'
import { localEdit, replicaOf } from '../../../common/annotations/replica'
import { layoutRow } from '../annotations/row-layout'
import { drawRow } from '../annotations/row-draw'


declare global {
  interface Window {
    __benchResult?: { done: boolean; results: Record<string, BenchStat>; pass: boolean; env: Record<string, unknown>; error?: string }
  }
}

const WIDTH = 1200
const ROW_HEIGHT = 18

function syntheticTimeline(): TimelineData {
  const T = 10_800
  const random = rng(1)
  const pts = Float64Array.from({ length: T }, (_, i) => i + 0.02 * random())
  const share = Float32Array.from({ length: T }, (_, i) => 0.1 + 0.08 * Math.sin(i / 300) + 0.05 * random())
  const novelty = Float32Array.from({ length: T }, () => (random() < 0.02 ? 0.5 + random() / 2 : random() * 0.1))
  const concentration = Float32Array.from({ length: T }, (_, i) => 0.3 + 0.2 * Math.sin(i / 1000) + 0.1 * random())
  const rows: HeatRow[] = [
    { id: 'a', levels: shareLevels(share), count: T, lut: LUTS.teal, aggregate: 'mean' },
    { id: 'novelty', levels: signalLevels(novelty), count: T, lut: LUTS.inferno, aggregate: 'max' },
    { id: 'concentration', levels: signalLevels(concentration), count: T, lut: LUTS.inferno, aggregate: 'max' },
  ]
  const keyframes = Float64Array.from({ length: T / 4 }, (_, i) => i * 4)
  return { pts, count: T, lastInterval: 1, duration: T, rows, keyframes }
}

function benchTimeline(results: Record<string, BenchStat>) {
  const data = syntheticTimeline()
  const host = document.getElementById('bench')!
  const dpr = window.devicePixelRatio || 1
  const make = (cssH: number) => {
    const c = document.createElement('canvas')
    c.width = Math.round(WIDTH * dpr)
    c.height = Math.round(cssH * dpr)
    c.style.cssText = `width:${WIDTH}px;height:${cssH}px;display:block;margin-top:3px`
    host.appendChild(c)
    return c
  }
  const ruler = make(rulerCanvasHeight(DEFAULT_METRICS))
  const rowCanvases = new Map(data.rows.map((r) => [r.id, make(ROW_HEIGHT)]))
  const renderer = createTimelineRenderer(ruler, (id) => rowCanvases.get(id) ?? null)

  const levels: Array<[string, number]> = [
    ['whole video', levelToFit(data.duration, WIDTH)],
    ['1 h', levelForSpan(3600, WIDTH)],
    ['10 min', levelForSpan(600, WIDTH)],
    ['1 min', levelForSpan(60, WIDTH)],
    ['single frames', levelForSpan(8, WIDTH)],
  ]
  for (const [name, level] of levels) {
    const pps = ppsOfLevel(level)
    const maxScroll = clampScroll(Infinity, contentWidth(data.duration, pps), WIDTH)
    const view: TimelineView = { level, scroll: 0, width: WIDTH, frame: 0, thumbnails: [], thumbnail: () => null }
    let scroll = Math.min(maxScroll, maxScroll / 3)
    const scrolling: number[] = []
    const cold: number[] = []
    for (let i = 0; i < 60; i++) {
      scroll = scroll + WIDTH / 3 > maxScroll ? 0 : scroll + WIDTH / 3
      view.scroll = scroll
      view.frame = Math.min(data.count - 1, Math.floor((scroll + WIDTH / 2) / pps))
      const t0 = performance.now()
      renderer.draw(data, view, dpr)
      if (i >= 5) scrolling.push(performance.now() - t0)
    }
    for (let i = 0; i < 20; i++) {
      renderer.invalidate()
      const t0 = performance.now()
      renderer.draw(data, view, dpr)
      cold.push(performance.now() - t0)
    }
    results[`timeline redraw, scrolling: ${name}`] = stat(scrolling, 16)
    results[`timeline redraw, cold tiles: ${name}`] = stat(cold, 16)
  }
}

/**
 * What the app does when a result arrives: decode it (into the arrays of the map before last, as
 * the methods store does), the heat-row levels, and the shown frame's outline. Returns a function
 * per stream of results, since it keeps the last two maps.
 */
function arrivals() {
  let shown: TokenMap | undefined
  let spare: TokenMap | undefined
  return (encoded: ArrayBuffer | Uint8Array, share: Float32Array) => {
    const decoded = decodeTokenMap(encoded, spare)
    spare = shown
    shown = decoded
    const levels = shareLevels(share)
    const outline = groupOutlineSegments(frameGroups(decoded, decoded.frameCount >> 1), decoded.grid, decoded.tokenSizes)
    if (levels.length !== decoded.frameCount || outline.length === 0) throw new Error('empty token map')
    return decoded
  }
}

function benchTokenMap(results: Record<string, BenchStat>) {
  const map = syntheticTokenMap(3600)
  const buf = encodeTokenMap(map)
  const share = frameShare(map) // what RunMethodResponse.frameShare carries
  const arrive = arrivals()
  const prepared: number[] = []
  const hover: number[] = []
  for (let i = 0; i < 17; i++) {
    const t0 = performance.now()
    const decoded = arrive(buf, share)
    const t1 = performance.now()
    // What the first hover adds: the token → source patches index (built lazily, once per result).
    const index = buildGroupIndex(decoded)
    const t2 = performance.now()
    if (index.patches.length === 0) throw new Error('empty token map')
    if (i >= 2) {
      prepared.push(t1 - t0)
      hover.push(t2 - t1)
    }
  }
  results['token map 1 h (3,600 × 196): decode + heat row + overlay'] = stat(prepared, 50)
  results['token map 1 h: source-patch index (first hover)'] = stat(hover, 50)
}

/**
 * A 1-hour token map delivered by the real host: `method:run` through the browser-mode client,
 * the host's dispatch and schema check, the TokenMap codec and the WebSocket framing, then what
 * the UI prepares on arrival. `npm run bench` serves this page with a host whose `method:run`
 * answers a prepared 1-hour result (the method's own compute time is not part of delivery).
 *
 * Two cadences. "One result" is how the UI receives results: a request follows the methods
 * store's 150 ms debounce (and, in the app, the method's own compute), so deliveries never
 * queue; this is the latency the 50 ms target is about. "Back to back" sends the next request
 * the moment a result is prepared: a stress figure, without a target (on a 2-core machine each
 * transfer then overlaps what the host and the browser still do for the one before).
 */
async function benchDelivery(results: Record<string, BenchStat>) {
  const api = createApi()
  const request = { videoKey: 'bench', methodId: 'bench', budget: { ratio: 0.1 }, params: {}, seed: 0 }
  const arrive = arrivals()
  const deliver = async () => {
    const t0 = performance.now()
    const res = await api.invoke('method:run', request)
    arrive(res.map, res.frameShare)
    return performance.now() - t0
  }
  const oneResult: number[] = []
  for (let i = 0; i < 22; i++) {
    await new Promise((r) => setTimeout(r, RECOMPUTE_DEBOUNCE_MS))
    const elapsed = await deliver()
    if (i >= 2) oneResult.push(elapsed)
  }
  const backToBack: number[] = []
  for (let i = 0; i < 22; i++) {
    const elapsed = await deliver()
    if (i >= 2) backToBack.push(elapsed)
  }
  results['token map 1 h delivered by the host, one result (request → decoded + prepared)'] = stat(oneResult, 50)
  results['token map 1 h delivered by the host, back to back'] = stat(backToBack)
}

/**
 * Hand annotation on a project of 10,000 keyframes and 1,000 segments: the project arriving in
 * the window (decoded from JSON, as the host's frame carries it, made into this window's replica)
 * and its timeline row drawn at the zoom that fits the 3-hour video; then one edit as the K key
 * makes it (applied here, recorded for undo, the row drawn again).
 */
function benchAnnotations(results: Record<string, BenchStat>) {
  const wire = JSON.stringify(syntheticAnnotations())
  const canvas = document.createElement('canvas')
  canvas.width = WIDTH
  canvas.height = 22
  document.getElementById('bench')!.appendChild(canvas)
  const open: number[] = []
  const edits: number[] = []
  for (let run = 0; run < 15; run++) {
    const t0 = performance.now()
    let replica = replicaOf(JSON.parse(wire) as AnnotationProject)
    const set = replica.view.sets[0]
    const v = { scroll: 0, width: WIDTH, pps: WIDTH / replica.view.video.duration }
    drawRow(canvas, layoutRow(set, v, null), { playheadX: null, pendingInX: null, current: true }, 1)
    open.push(performance.now() - t0)
    let history = emptyHistory
    for (let e = 0; e < 20; e++) {
      const t1 = performance.now()
      const op = { type: 'add-keyframe' as const, setId: set.id, keyframe: { id: `new${run}-${e}`, sourceFrame: 7 + e * 997, pts: (7 + e * 997) / 30, label: '', note: '' } }
      history = recordEdit(history, applyOp(replica.view, op).inverse)
      replica = localEdit(replica, e + 1, op)
      drawRow(canvas, layoutRow(replica.view.sets[0], v, { kind: 'keyframe', id: op.keyframe.id }), { playheadX: 10, pendingInX: null, current: true }, 1)
      edits.push(performance.now() - t1)
    }
  }
  results['annotations: 10,000-keyframe project arrives in the window, row drawn'] = stat(open, 100)
  results['annotations: one edit in the window (apply, undo record, row redrawn)'] = stat(edits, 5)
}

async function main() {
  const results: Record<string, BenchStat> = {}
  const env = { userAgent: navigator.userAgent, devicePixelRatio: window.devicePixelRatio, width: WIDTH }
  const out = document.getElementById('bench-output')!
  try {
    await new Promise((r) => requestAnimationFrame(() => r(null)))
    benchTimeline(results)
    benchTokenMap(results)
    benchCompare(results)
    benchAnnotations(results)
    if (new URLSearchParams(location.search).has('delivery')) await benchDelivery(results)
    const pass = Object.values(results).every((r) => r.targetMs === undefined || r.median <= r.targetMs)
    window.__benchResult = { done: true, results, pass, env }
    out.textContent = Object.entries(results)
      .map(([k, r]) => `${r.targetMs === undefined ? '    ' : r.median <= r.targetMs ? 'ok  ' : 'SLOW'} ${k.padEnd(52)} median ${r.median.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms${r.targetMs === undefined ? '' : `  (target < ${r.targetMs} ms)`}`)
      .join('\n')
  } catch (e) {
    window.__benchResult = { done: true, results, pass: false, env, error: String(e) }
    out.textContent = `benchmark failed: ${String(e)}`
  }
}

void main()
