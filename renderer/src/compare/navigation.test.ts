import { describe, expect, it } from 'vitest'
import { disagreementStops, nearestKept, nextStop } from './navigation'

describe('disagreementStops', () => {
  it('the top share of frames by disagreement, ties included, never a frame where they agree', () => {
    const d = [0, 0.1, 0.9, 0.2, 0.9, 0.3, 0, 0.8, 0, 0]
    // k = ⌈0.2 · 10⌉ = 2: threshold 0.9, both 0.9 frames.
    expect(Array.from(disagreementStops(d, 0.2))).toEqual([2, 4])
    // k = 3: threshold 0.8.
    expect(Array.from(disagreementStops(d, 0.3))).toEqual([2, 4, 7])
    // Frame selection: 1 where one method keeps a frame the other drops, every such frame is a stop.
    expect(Array.from(disagreementStops([1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1], 0.05))).toEqual([0, 3, 4, 10])
    expect(Array.from(disagreementStops([0, 0, 0]))).toEqual([])
    expect(Array.from(disagreementStops([]))).toEqual([])
  })
})

describe('nextStop', () => {
  const stops = [2, 4, 7]
  it('goes forward and back, wrapping', () => {
    expect(nextStop(stops, 0, 1)).toBe(2)
    expect(nextStop(stops, 2, 1)).toBe(4)
    expect(nextStop(stops, 7, 1)).toBe(2)
    expect(nextStop(stops, 4, -1)).toBe(2)
    expect(nextStop(stops, 2, -1)).toBe(7)
    expect(nextStop([], 3, 1)).toBe(-1)
  })
})

describe('nearestKept', () => {
  it('the frame itself when kept, else the nearest kept one (earlier on a tie)', () => {
    const kept = [0, 1, 0, 0, 0, 1, 0]
    expect(nearestKept(kept, 1)).toBe(1)
    expect(nearestKept(kept, 2)).toBe(1)
    expect(nearestKept(kept, 3)).toBe(1)
    expect(nearestKept(kept, 4)).toBe(5)
    expect(nearestKept(kept, 6)).toBe(5)
    expect(nearestKept(kept, 0)).toBe(1)
    expect(nearestKept([0, 0, 0], 1)).toBe(-1)
  })
})
