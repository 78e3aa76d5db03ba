import { describe, expect, it } from 'vitest'
import { colourHistogram, HISTOGRAM_BINS, histogramDistance } from './colour-novelty'

const solid = (r: number, g: number, b: number, pixels = 4) => Uint8Array.from({ length: pixels * 3 }, (_, i) => [r, g, b][i % 3])

describe('colour novelty', () => {
  it('bins pixels into a normalised 64-bin joint histogram', () => {
    const h = colourHistogram(Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 0, 0, 250, 10, 5]))
    expect(h.length).toBe(HISTOGRAM_BINS)
    expect(h[0]).toBeCloseTo(0.25) // black
    expect(h[63]).toBeCloseTo(0.25) // white
    expect(h[48]).toBeCloseTo(0.5) // two reds in the same bin (r level 3, g 0, b 0)
    expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1)
  })

  it('is 0 for the same colours, 1 for disjoint ones, and in between for a partial change', () => {
    const red = colourHistogram(solid(255, 0, 0))
    const blue = colourHistogram(solid(0, 0, 255))
    expect(histogramDistance(red, red)).toBe(0)
    expect(histogramDistance(red, blue)).toBe(1)
    const half = colourHistogram(Uint8Array.from([...solid(255, 0, 0, 2), ...solid(0, 0, 255, 2)]))
    expect(histogramDistance(red, half)).toBeCloseTo(0.5)
  })
})
