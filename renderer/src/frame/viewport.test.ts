import { describe, expect, it } from 'vitest'
import { clampView, decodeWidth, FIT_VIEW, fitSize, MAX_SCALE, panBy, pictureRect, zoomAt } from './viewport'

describe('frame viewport', () => {
  it('fits an aspect into a box', () => {
    expect(fitSize(16 / 9, 640, 640)).toEqual({ w: 640, h: 360 })
    expect(fitSize(16 / 9, 1000, 360)).toEqual({ w: 640, h: 360 })
    expect(fitSize(1, 0, 0)).toEqual({ w: 1, h: 1 })
  })

  it('decodes frames at the smallest width bucket that covers the canvas', () => {
    expect(decodeWidth(100)).toBe(320)
    expect(decodeWidth(641)).toBe(960)
    expect(decodeWidth(5000)).toBe(2560)
  })

  it('at scale 1 the picture fills the canvas', () => {
    expect(pictureRect(FIT_VIEW, 400, 300)).toEqual({ x: 0, y: 0, w: 400, h: 300 })
  })

  it('zooming keeps the point under the pointer in place, on canvases of any size', () => {
    const v = zoomAt(FIT_VIEW, 2, 100, 75, 400, 300)
    expect(v.scale).toBe(2)
    const r = pictureRect(v, 400, 300)
    // The point under (100, 75) was the picture's (0.25, 0.25); it still is.
    expect((100 - r.x) / r.w).toBeCloseTo(0.25, 12)
    expect((75 - r.y) / r.h).toBeCloseTo(0.25, 12)
    // The same view on a canvas twice as big shows the same part of the picture.
    const big = pictureRect(v, 800, 600)
    expect(big.x / 800).toBeCloseTo(r.x / 400, 12)
    expect(big.y / 600).toBeCloseTo(r.y / 300, 12)
  })

  it('never zooms out past the whole picture nor in past the limit, and never shows beyond its edges', () => {
    expect(zoomAt(FIT_VIEW, 0.5, 10, 10, 400, 300)).toEqual(FIT_VIEW)
    expect(zoomAt({ scale: MAX_SCALE, cx: 0.5, cy: 0.5 }, 4, 200, 150, 400, 300).scale).toBe(MAX_SCALE)
    const v = panBy({ scale: 2, cx: 0.5, cy: 0.5 }, 10_000, -10_000, 400, 300)
    expect(v).toEqual({ scale: 2, cx: 0.25, cy: 0.75 })
    const r = pictureRect(v, 400, 300)
    expect(r.x).toBe(0)
    expect(r.y + r.h).toBe(300)
    expect(clampView({ scale: 4, cx: 2, cy: -1 })).toEqual({ scale: 4, cx: 0.875, cy: 0.125 })
  })

  it('a drag moves the picture with the pointer', () => {
    const v = { scale: 4, cx: 0.5, cy: 0.5 }
    const before = pictureRect(v, 400, 300)
    const after = pictureRect(panBy(v, 20, -10, 400, 300), 400, 300)
    expect(after.x - before.x).toBeCloseTo(20, 9)
    expect(after.y - before.y).toBeCloseTo(-10, 9)
  })
})
