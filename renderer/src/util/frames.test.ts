import { describe, expect, it } from 'vitest'
import { frameAtTime, frameEnd, stepFrame, typicalInterval } from './frames'

describe('frames and times', () => {
  const pts = Float64Array.from([0.04, 1.04, 2.04, 3.1, 4.0])
  it('frameAtTime finds the frame containing a time', () => {
    expect(frameAtTime(pts, 0)).toBe(0)
    expect(frameAtTime(pts, 1.04)).toBe(1)
    expect(frameAtTime(pts, 3.05)).toBe(2)
    expect(frameAtTime(pts, 99)).toBe(4)
    expect(frameAtTime(pts, 99, 3)).toBe(2)
    expect(frameAtTime(new Float64Array(0), 1)).toBe(-1)
  })
  it('agrees with a linear scan on a long ramp', () => {
    const long = Float64Array.from({ length: 10_800 }, (_, i) => 0.5 + i)
    for (const t of [0, 0.5, 0.99, 1.5, 5000.2, 10_799.4, 20_000]) {
      let expected = 0
      for (let i = 0; i < long.length; i++) if (long[i] <= t) expected = i
      expect(frameAtTime(long, t)).toBe(expected)
    }
  })
  it('frame spans and intervals', () => {
    expect(typicalInterval(pts)).toBeCloseTo((4.0 - 0.04) / 4, 12)
    expect(typicalInterval(pts, 1, 0.5)).toBe(0.5)
    expect(frameEnd(pts, 1, 1)).toBe(2.04)
    expect(frameEnd(pts, 4, 1)).toBe(5)
  })
  it('stepFrame clamps', () => {
    expect(stepFrame(5, -10, 100)).toBe(0)
    expect(stepFrame(95, 10, 100)).toBe(99)
    expect(stepFrame(5, 1, 100)).toBe(6)
    expect(stepFrame(3, 1, 0)).toBe(0)
  })
})
