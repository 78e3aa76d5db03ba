import { describe, expect, it } from 'vitest'
import { hitTest, layoutRow } from './row-layout'
import type { AnnotationSet } from '../../../common/annotations/model'
import type { Viewport } from '../timeline/layout'

const set = (keyTimes: number[], segments: [number, number][] = []): AnnotationSet => ({
  id: 's',
  name: 's',
  annotator: '',
  question: '',
  palette: ['a', 'b'],
  keyframes: keyTimes.map((pts, i) => ({ id: `k${i}`, sourceFrame: i, pts, label: i === 1 ? 'b' : '', note: '' })),
  segments: segments.map(([inPts, outPts], i) => ({ id: `s${i}`, inPts, outPts, label: 'a', note: '' })),
})

// 10 px per second, scrolled 100 px: the view shows 10 s to 50 s.
const v: Viewport = { scroll: 100, width: 400, pps: 10 }

describe('annotation row layout', () => {
  it('places only visible keyframes, one tick per pixel column, and the segments in view', () => {
    const layout = layoutRow(set([1, 12, 12.04, 30, 60], [[5, 11], [20, 25], [70, 80]]), v, { kind: 'keyframe', id: 'k2' })
    expect(layout.ticks).toEqual([
      { x: 20, count: 2, id: 'k2', labelIndex: -1, selected: true },
      { x: 200, count: 1, id: 'k3', labelIndex: -1, selected: false },
    ])
    expect(layout.bars.map((b) => [b.id, b.x0, b.x1, b.labelIndex])).toEqual([
      ['s0', -50, 10, 0],
      ['s1', 100, 150, 0],
    ])
  })

  it('keeps a one-frame segment visible', () => {
    expect(layoutRow(set([], [[20, 20]]), v, null).bars[0]).toMatchObject({ x0: 100, x1: 102 })
  })

  it('hits segment edges first, then keyframes, then segment bodies', () => {
    const s = set([22], [[20, 25]])
    expect(hitTest(s, v, 101)).toEqual({ kind: 'segment', id: 's0', edge: 'in' })
    expect(hitTest(s, v, 148)).toEqual({ kind: 'segment', id: 's0', edge: 'out' })
    expect(hitTest(s, v, 121)).toEqual({ kind: 'keyframe', id: 'k0' })
    expect(hitTest(s, v, 135)).toEqual({ kind: 'segment', id: 's0', edge: null })
    expect(hitTest(s, v, 300)).toBeNull()
  })
})
