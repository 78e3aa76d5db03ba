import { describe, expect, it } from 'vitest'
import { lutIndex, quantise, scaleOf, shareLevels, signalLevels } from './levels'

describe('scale and quantisation', () => {
  it('scaleOf skips non-finite values and honours count', () => {
    expect(scaleOf([3, NaN, -1, Infinity, 2])).toEqual({ min: -1, max: 3 })
    expect(scaleOf([3, 7, 100], 2)).toEqual({ min: 3, max: 7 })
    expect(scaleOf([])).toEqual({ min: 0, max: 0 })
  })
  it('maps the scale onto 0..255', () => {
    const s = { min: 10, max: 20 }
    expect(lutIndex(10, s)).toBe(0)
    expect(lutIndex(20, s)).toBe(255)
    expect(lutIndex(15, s)).toBe(128)
    expect(lutIndex(-5, s)).toBe(0)
    expect(lutIndex(99, s)).toBe(255)
    expect(lutIndex(12, { min: 3, max: 3 })).toBe(0)
  })
  it('quantise reuses the output buffer', () => {
    const out = new Uint8Array(8)
    const q = quantise([0, 0.5, 1], { min: 0, max: 1 }, 3, out)
    expect(q).toBe(out)
    expect(Array.from(q.subarray(0, 3))).toEqual([0, 128, 255])
  })
})

describe('signalLevels', () => {
  it('scales a signal over its own min/max, looking only at the first `count` values', () => {
    expect(Array.from(signalLevels([2, 4, 3]))).toEqual([0, 255, 128])
    expect(Array.from(signalLevels(Float32Array.of(2, 4, 3, 100), 3))).toEqual([0, 255, 128])
    expect(Array.from(signalLevels([5, 5]))).toEqual([0, 0])
    expect(signalLevels([]).length).toBe(0)
  })
})

describe('shareLevels', () => {
  it('maps shares onto a square-root scale of 0..255', () => {
    expect(Array.from(shareLevels([0, 0.25, 1, 2, -1]))).toEqual([0, 128, 255, 255, 0])
  })
  it('keeps small budgets apart', () => {
    const [a, b] = shareLevels([0.01, 0.05])
    expect(b - a).toBeGreaterThan(20)
    // A level stands for the share (level / 255)²: the top level is everything, and a share comes back from its level.
    expect((shareLevels([1])[0] / 255) ** 2).toBe(1)
    expect((shareLevels([0.25])[0] / 255) ** 2).toBeCloseTo(0.25, 2)
  })
})
