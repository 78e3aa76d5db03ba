import { describe, expect, it } from 'vitest'
import { buildLut, cssOfLut, groupColour, hslToRgb, lutIndex, packRgba, quantise, scaleOf, unpackRgba } from './colour'

describe('LUT', () => {
  it('interpolates between stops and packs RGBA little-endian', () => {
    const lut = buildLut([[0, 0, 0, 0], [1, 255, 128, 0]])
    expect(lut.length).toBe(256)
    expect(unpackRgba(lut[0])).toEqual([0, 0, 0, 255])
    expect(unpackRgba(lut[255])).toEqual([255, 128, 0, 255])
    expect(unpackRgba(lut[51])).toEqual([51, 26, 0, 255])
    const bytes = new Uint8Array(new Uint32Array([packRgba(1, 2, 3, 4)]).buffer)
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4])
  })
  it('hits interior stops exactly', () => {
    const lut = buildLut([[0, 0, 0, 0], [0.2, 100, 100, 100], [1, 200, 0, 0]])
    expect(unpackRgba(lut[51])).toEqual([100, 100, 100, 255])
    expect(cssOfLut(lut, 51)).toBe('rgb(100, 100, 100)')
  })
})

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

describe('group colours', () => {
  it('gives neighbouring ids clearly different hues', () => {
    const [a, b] = [groupColour(0), groupColour(1)]
    expect(a).not.toEqual(b)
    expect(hslToRgb(0, 1, 0.5)).toEqual([255, 0, 0])
    expect(hslToRgb(120, 1, 0.5)).toEqual([0, 255, 0])
  })
})
