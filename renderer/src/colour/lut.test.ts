import { describe, expect, it } from 'vitest'
import { buildLut, cssOfLut, packRgba, unpackRgba } from './lut'

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
