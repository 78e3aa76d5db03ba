import { describe, expect, it } from 'vitest'
import { decodeHalf, encodeHalf, toHalf } from './fp16'

/** The float a half's bits stand for. */
const fromHalf = (h: number): number => decodeHalf(Uint16Array.of(h))[0]

describe('fp16', () => {
  it('converts exactly representable values exactly', () => {
    for (const v of [0, 1, -1, 0.5, 2, 65504, -65504, 2 ** -14, 2 ** -24, 1000.5]) {
      expect(fromHalf(toHalf(v))).toBe(v)
    }
    expect(toHalf(1)).toBe(0x3c00)
    expect(toHalf(-2)).toBe(0xc000)
  })

  it('rounds to nearest even', () => {
    // 1 + 2^-11 lies exactly between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(fromHalf(toHalf(1 + 2 ** -11))).toBe(1)
    // 1 + 3·2^-11 lies between 1+2^-10 (odd) and 1+2^-9 (even): ties to 1+2^-9.
    expect(fromHalf(toHalf(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9)
    expect(fromHalf(toHalf(1 + 2 ** -11 + 2 ** -20))).toBe(1 + 2 ** -10)
  })

  it('handles overflow, infinities and NaN', () => {
    expect(fromHalf(toHalf(1e6))).toBe(Infinity)
    expect(fromHalf(toHalf(-Infinity))).toBe(-Infinity)
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true)
  })

  it('keeps relative error below 2^-11 on random values', () => {
    const src = Float32Array.from({ length: 10000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 100)
    const back = decodeHalf(encodeHalf(src))
    for (let i = 0; i < src.length; i++) {
      if (Math.abs(src[i]) > 2 ** -14) expect(Math.abs(back[i] - src[i]) / Math.abs(src[i])).toBeLessThanOrEqual(2 ** -11)
    }
  })
})
