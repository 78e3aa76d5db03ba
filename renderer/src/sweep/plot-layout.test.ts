import { describe, expect, it } from 'vitest'
import { endLabels, yDomain } from './plot-layout'
import type { PlotPoint } from './series'

const point = (methodId: string, budget: number, y: number): PlotPoint => ({ methodId, budget, x: budget, y, tokensOut: 1, budgetTokens: 1 })

describe('sweep plot layout', () => {
  it('y domain: the extent, or a band around a single value', () => {
    expect(yDomain([0.2, 0.9, 0.5])).toEqual([0.2, 0.9])
    expect(yDomain([1, 1])).toEqual([0.9, 1.1])
    expect(yDomain([0])).toEqual([-0.1, 0.1])
    expect(yDomain([-2])).toEqual([-2.2, -1.8])
    expect(yDomain([])).toEqual([0, 1])
  })

  it("end labels sit at each curve's last value, moved apart when they would overlap", () => {
    // Domain [0, 1] on 100 px: 0.01 per pixel.
    const points = [point('a', 0.1, 0.2), point('a', 0.5, 0.9), point('b', 0.1, 0.5), point('b', 0.5, 0.3), point('c', 0.5, 0.9)]
    const labels = endLabels(points, [0, 1], 100, 14)
    const y = Object.fromEntries(labels.map((l) => [l.methodId, l.y]))
    // a and c both end at 0.9 (10 px from the top): the second one goes 14 px lower; b (at 70 px) is clear.
    expect(y.a).toBeCloseTo(0.9, 12)
    expect(y.c).toBeCloseTo(0.76, 12)
    expect(y.b).toBeCloseTo(0.3, 12)
  })

  it('labels pushed past the bottom move back up', () => {
    const points = [point('a', 1, 0), point('b', 1, 0), point('c', 1, 0)]
    const ys = endLabels(points, [0, 1], 100, 14).map((l) => l.y)
    expect(ys).toHaveLength(3)
    for (const y of ys) expect(y).toBeGreaterThanOrEqual(-1e-12)
    expect(ys[0] - ys[1]).toBeCloseTo(0.14, 12)
    expect(ys[1] - ys[2]).toBeCloseTo(0.14, 12)
    expect(ys[2]).toBeCloseTo(0, 12)
  })
})
