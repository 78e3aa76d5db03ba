import { describe, expect, it } from 'vitest'
import { groupColour, hslToRgb } from './groups'

describe('group colours', () => {
  it('gives neighbouring ids clearly different hues', () => {
    const [a, b] = [groupColour(0), groupColour(1)]
    expect(a).not.toEqual(b)
    expect(hslToRgb(0, 1, 0.5)).toEqual([255, 0, 0])
    expect(hslToRgb(120, 1, 0.5)).toEqual([0, 255, 0])
  })
})
