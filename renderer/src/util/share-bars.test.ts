import { describe, expect, it } from 'vitest'
import { shareBars } from './share-bars'

describe('share bars', () => {
  it('stacks row bars top to bottom, the largest share filling the width', () => {
    const { bars, even } = shareBars([0.1, 0.2, 0.7], 'rows', 70, 30)
    expect(bars.map((b) => b.y)).toEqual([0, 10, 20])
    bars.forEach((b, i) => expect(b.w).toBeCloseTo([10, 20, 70][i], 9))
    expect(bars.every((b) => b.x === 0 && b.h === 9)).toBe(true)
    expect(even).toBeCloseTo(100 / 3, 9)
  })
  it('raises column bars from the bottom and keeps the even line inside when shares are flat', () => {
    const { bars, even } = shareBars([0.5, 0.5], 'cols', 40, 20)
    expect(bars).toEqual([
      { x: 0, y: 0, w: 19, h: 20 },
      { x: 20, y: 0, w: 19, h: 20 },
    ])
    expect(even).toBe(0)
    // A share below even never pushes the reference out of the box.
    expect(shareBars([0.1, 0.1, 0.1, 0.1, 0.6], 'cols', 50, 10).even).toBeCloseTo(10 - (0.2 / 0.6) * 10, 9)
  })
})
