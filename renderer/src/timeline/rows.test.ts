import { describe, expect, it } from 'vitest'
import { shareLevels, shareOfLevel } from './rows'

describe('shareLevels', () => {
  it('maps shares onto a square-root scale of 0..255', () => {
    expect(Array.from(shareLevels([0, 0.25, 1, 2, -1]))).toEqual([0, 128, 255, 255, 0])
  })
  it('keeps small budgets apart', () => {
    const [a, b] = shareLevels([0.01, 0.05])
    expect(b - a).toBeGreaterThan(20)
    expect(shareOfLevel(255)).toBe(1)
    expect(shareOfLevel(shareLevels([0.25])[0])).toBeCloseTo(0.25, 2)
  })
})
