import { describe, expect, it } from 'vitest'
import { Diff, DIFF_CATEGORIES } from '../../../common/compare/difference'
import { unpackRgba } from './lut'
import { differenceWords } from './difference'

describe('difference colours', () => {
  it('one word per category, in category order; agreement is clear, every disagreement visible and distinct', () => {
    const words = differenceWords(1)
    expect(words.length).toBe(DIFF_CATEGORIES.length)
    expect(unpackRgba(words[Diff.both])[3]).toBe(0)
    const disagreeing = [Diff.aOnly, Diff.bOnly, Diff.groupedDifferently].map((c) => words[c])
    expect(new Set(disagreeing).size).toBe(3)
    for (const w of disagreeing) expect(unpackRgba(w)[3]).toBeGreaterThan(100)
    expect(unpackRgba(differenceWords(0.5)[Diff.aOnly])[3]).toBe(Math.round(220 * 0.5))
  })
})
