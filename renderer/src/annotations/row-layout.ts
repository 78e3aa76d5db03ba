/**
 * Where an annotation set's items go on its timeline row, and what is under the pointer (pure;
 * drawing is row-draw.ts). Only the visible items are placed: keyframes are found by binary
 * search over their sorted times, and keyframes that fall on the same pixel column become one
 * tick (with a count), so a set of 10,000 keyframes lays out in about as many steps as the row
 * has pixels.
 */
import { type AnnotationSet, type ItemRef, lowerBound } from '../../../common/annotations/model'
import { timeToX, visibleTimeRange, xToTime, type Viewport } from '../timeline/layout'

export interface Tick {
  /** Viewport x (css px, whole pixels). */
  x: number
  /** Keyframes on this pixel column. */
  count: number
  /** Id of the first of them (clicking selects it). */
  id: string
  /** Palette index of its label, -1 for none. */
  labelIndex: number
  selected: boolean
}

export interface Bar {
  id: string
  x0: number
  x1: number
  labelIndex: number
  selected: boolean
}

export interface RowLayout {
  ticks: Tick[]
  bars: Bar[]
}

/** Pixels a bar is at least wide, so a one-frame segment stays visible. */
const MIN_BAR_PX = 2

export function layoutRow(set: AnnotationSet, v: Viewport, selected: ItemRef | null): RowLayout {
  const [t0, t1] = visibleTimeRange(v)
  const margin = 2 / v.pps
  const ticks: Tick[] = []
  const keyframes = set.keyframes
  const labelIndex = (label: string) => (label ? set.palette.indexOf(label) : -1)
  for (let i = lowerBound(keyframes, t0 - margin, (k) => k.pts); i < keyframes.length && keyframes[i].pts <= t1 + margin; i++) {
    const k = keyframes[i]
    const x = Math.round(timeToX(k.pts, v))
    const isSelected = selected?.kind === 'keyframe' && selected.id === k.id
    const last = ticks[ticks.length - 1]
    if (last && last.x === x) {
      last.count++
      if (isSelected) Object.assign(last, { id: k.id, selected: true, labelIndex: labelIndex(k.label) })
      continue
    }
    ticks.push({ x, count: 1, id: k.id, labelIndex: labelIndex(k.label), selected: isSelected })
  }
  const bars: Bar[] = []
  for (const s of set.segments) {
    if (s.inPts > t1) break
    if (s.outPts < t0) continue
    const x0 = timeToX(s.inPts, v)
    bars.push({ id: s.id, x0, x1: Math.max(x0 + MIN_BAR_PX, timeToX(s.outPts, v)), labelIndex: labelIndex(s.label), selected: selected?.kind === 'segment' && selected.id === s.id })
  }
  return { ticks, bars }
}

export type Hit = { kind: 'keyframe'; id: string } | { kind: 'segment'; id: string; edge: 'in' | 'out' | null }

/**
 * The item under viewport x: a segment's edge within `tolerance` px first (to drag it), then the
 * nearest keyframe within `tolerance`, then a segment spanning x; null over empty row.
 */
export function hitTest(set: AnnotationSet, v: Viewport, x: number, tolerance = 4): Hit | null {
  const t = xToTime(x, v)
  const slack = tolerance / v.pps
  let edge: Hit | null = null
  let best = Infinity
  for (const s of set.segments) {
    if (s.inPts > t + slack) break
    for (const [which, at] of [['in', s.inPts], ['out', s.outPts]] as const) {
      const d = Math.abs(at - t)
      if (d <= slack && d < best) {
        best = d
        edge = { kind: 'segment', id: s.id, edge: which }
      }
    }
  }
  if (edge) return edge
  const k = set.keyframes
  const i = lowerBound(k, t, (x) => x.pts)
  const near = [k[i - 1], k[i]].filter((x) => x !== undefined).sort((a, b) => Math.abs(a.pts - t) - Math.abs(b.pts - t))[0]
  if (near && Math.abs(near.pts - t) <= slack) return { kind: 'keyframe', id: near.id }
  const inside = set.segments.find((s) => s.inPts <= t && t <= s.outPts)
  return inside ? { kind: 'segment', id: inside.id, edge: null } : null
}
