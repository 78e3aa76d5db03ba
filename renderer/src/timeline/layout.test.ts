import { describe, expect, it } from 'vitest'
import {
  clampScroll, contentWidth, exactFitLevel, keyframeSlots, levelForSpan, levelToFit, maxLevel, ppsOfLevel,
  scrollToShow, thumbnailSlots, timeToX, visibleTiles, visibleTimeRange, xToTime, zoomAround,
} from './layout'

const ramp = (n: number, step = 1, start = 0) => Float64Array.from({ length: n }, (_, i) => start + i * step)

describe('zoom levels', () => {
  it('steps by √2 and doubles every two levels', () => {
    expect(ppsOfLevel(0)).toBe(1)
    expect(ppsOfLevel(2)).toBe(2)
    expect(ppsOfLevel(-2)).toBe(0.5)
    expect(ppsOfLevel(1)).toBeCloseTo(Math.SQRT2, 12)
  })
  it('levelToFit gives the deepest level at which the video still fits', () => {
    const k = levelToFit(10_800, 1000)
    expect(contentWidth(10_800, ppsOfLevel(k))).toBeLessThanOrEqual(1000)
    expect(contentWidth(10_800, ppsOfLevel(k + 1))).toBeGreaterThan(1000)
  })
  it('exactFitLevel fills the width exactly', () => {
    expect(contentWidth(10_800, ppsOfLevel(exactFitLevel(10_800, 1234)))).toBeCloseTo(1234, 6)
    expect(exactFitLevel(0, 100)).toBe(0)
  })
  it('levelForSpan shows roughly the requested span', () => {
    const k = levelForSpan(60, 1200)
    const [t0, t1] = visibleTimeRange({ scroll: 0, width: 1200, pps: ppsOfLevel(k) })
    expect(t1 - t0).toBeGreaterThan(60 / Math.SQRT2)
    expect(t1 - t0).toBeLessThan(60 * Math.SQRT2)
  })
  it('maxLevel lets one frame reach the requested width', () => {
    const k = maxLevel(1, 160)
    expect(ppsOfLevel(k)).toBeGreaterThanOrEqual(160)
    expect(ppsOfLevel(k - 1)).toBeLessThan(160)
  })
})

describe('scroll and zoom', () => {
  it('clamps scroll into the content', () => {
    expect(clampScroll(-5, 1000, 300)).toBe(0)
    expect(clampScroll(900, 1000, 300)).toBe(700)
    expect(clampScroll(400, 1000, 300)).toBe(400)
    expect(clampScroll(50, 200, 300)).toBe(0)
  })
  it('zoomAround keeps the anchored time under the anchor', () => {
    const before = { scroll: 300, width: 800, pps: 2 }
    const anchorTime = xToTime(250, before)
    const after = { ...before, pps: 8, scroll: zoomAround(300, 250, 2, 8) }
    expect(xToTime(250, after)).toBeCloseTo(anchorTime, 9)
    expect(timeToX(anchorTime, after)).toBeCloseTo(250, 9)
  })
  it('scrollToShow only moves when the point leaves the margin', () => {
    expect(scrollToShow(100, 500, 300, 50)).toBe(100)
    expect(scrollToShow(100, 500, 620, 50)).toBe(170)
    expect(scrollToShow(100, 500, 120, 50)).toBe(70)
  })
})

describe('tiles', () => {
  it('lists the tiles intersecting the viewport', () => {
    expect(visibleTiles(0, 1000, 256, 5000)).toEqual({ first: 0, last: 3 })
    expect(visibleTiles(300, 200, 256, 5000)).toEqual({ first: 1, last: 1 })
    expect(visibleTiles(500, 100, 256, 5000)).toEqual({ first: 1, last: 2 })
  })
  it('stops at the end of the content', () => {
    expect(visibleTiles(0, 1000, 256, 300)).toEqual({ first: 0, last: 1 })
    expect(visibleTiles(0, 1000, 256, 0).last).toBeLessThan(0)
  })
})

describe('thumbnailSlots', () => {
  it('gives each frame its own thumbnail when frames are wide', () => {
    const pts = ramp(100)
    const slots = thumbnailSlots({ scroll: 1000, width: 500, pps: 100 }, pts, 100, 1, 80)
    expect(slots.map((s) => s.frame)).toEqual([10, 11, 12, 13, 14, 15])
    expect(slots[0].x).toBe(0)
    expect(slots[1].x).toBe(100)
  })
  it('uses fixed slots aligned to the content when frames are narrow', () => {
    const pts = ramp(3600)
    const a = thumbnailSlots({ scroll: 160, width: 400, pps: 2 }, pts, 3600, 1, 80)
    expect(a[0].x).toBe(0)
    expect(a[0].frame).toBe(100) // slot 2 centre: 200 px / 2 pps
    const b = thumbnailSlots({ scroll: 200, width: 400, pps: 2 }, pts, 3600, 1, 80)
    expect(b[0].x).toBe(-40) // the same slot, scrolled by 40 px
    expect(b[0].frame).toBe(100)
  })
  it('leaves out slots past the frames that exist', () => {
    const pts = ramp(10)
    const slots = thumbnailSlots({ scroll: 0, width: 1000, pps: 2 }, pts, 10, 1, 8)
    expect(slots.length).toBeLessThanOrEqual(10)
    expect(new Set(slots.map((s) => s.frame)).size).toBe(slots.length)
  })
})

describe('keyframe strip', () => {
  const overlapFree = (slots: { x: number; width: number }[]) => slots.every((s, i) => i === 0 || s.x >= slots[i - 1].x + slots[i - 1].width - 1e-9)

  it('puts each keyframe at its exact time when they are far enough apart', () => {
    const pts = Float64Array.of(0, 2, 4.5, 9)
    const slots = keyframeSlots({ scroll: 0, width: 1000, pps: 50 }, pts, 4, 80)
    expect(slots).toEqual([
      { frame: 0, x: 0, width: 80 },
      { frame: 1, x: 100, width: 80 },
      { frame: 2, x: 225, width: 80 },
      { frame: 3, x: 450, width: 80 },
    ])
  })

  it('skips keyframes that would overlap, keeping the rest at their own times', () => {
    const pts = ramp(100, 0.5) // every 0.5 s, 10 px apart at 20 px/s
    const slots = keyframeSlots({ scroll: 0, width: 400, pps: 20 }, pts, 100, 48)
    expect(overlapFree(slots)).toBe(true)
    expect(slots.map((s) => s.frame)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40])
    for (const s of slots) expect(s.x).toBeCloseTo(pts[s.frame] * 20, 9)
  })

  it('returns only the visible ones, and the same placement whatever the scroll', () => {
    const pts = Float64Array.from([0, 0.3, 1, 1.2, 2.7, 3, 3.1, 5, 7.4, 8, 9.9])
    const v = { scroll: 0, width: 2000, pps: 100 }
    const all = keyframeSlots(v, pts, pts.length, 60)
    expect(overlapFree(all)).toBe(true)
    const scrolled = keyframeSlots({ ...v, scroll: 290, width: 300 }, pts, pts.length, 60)
    expect(scrolled.map((s) => s.frame)).toEqual(all.filter((s) => s.x + 60 > 290 && s.x <= 590).map((s) => s.frame))
    for (const s of scrolled) expect(s.x).toBeCloseTo(pts[s.frame] * 100 - 290, 9)
    // Only the first `count` keyframes (the thumbnails received so far) are placed.
    expect(keyframeSlots(v, pts, 3, 60).every((s) => s.frame < 3)).toBe(true)
    expect(keyframeSlots(v, pts, 0, 60)).toEqual([])
  })
})
