import { describe, expect, it } from 'vitest'
import { errorMessage, formatDuration, formatMetric, formatPts, formatShare } from './format'
import { positionOfShare, roundShare, shareOfPosition } from './budget'

describe('formatPts', () => {
  it('formats h:mm:ss.mmm', () => {
    expect(formatPts(0)).toBe('0:00:00.000')
    expect(formatPts(1.0427)).toBe('0:00:01.043')
    expect(formatPts(3 * 3600 + 62.5)).toBe('3:01:02.500')
    expect(formatPts(59.9996)).toBe('0:01:00.000')
    expect(formatPts(NaN)).toBe('–')
  })
})

describe('other formats', () => {
  it('durations, metrics and errors', () => {
    expect(formatDuration(42)).toBe('42s')
    expect(formatDuration(185)).toBe('3m 05s')
    expect(formatDuration(3720)).toBe('1h 02m')
    expect(formatMetric(12345)).toBe('12,345')
    expect(formatMetric(0.123456)).toBe('0.1235')
    expect(formatMetric(null)).toBe('–')
    expect(formatMetric(0.62994, 'share')).toBe('63 %')
    expect(formatMetric(0.0512, 'share')).toBe('5.12 %')
    expect(formatShare(1)).toBe('100 %')
    expect(formatShare(0.0025)).toBe('0.25 %')
    expect(formatMetric(98_802_937_626_624, 'flops')).toBe('98.8 TFLOPs')
    expect(formatMetric(1.6784, 'speedup')).toBe('1.68×')
    expect(errorMessage({ code: 'x', message: 'Choose a video first' })).toBe('Choose a video first')
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage(42)).toMatch(/went wrong/)
  })
})

describe('budget scale', () => {
  it('maps the slider onto 1%..100% logarithmically and back', () => {
    expect(shareOfPosition(0)).toBeCloseTo(0.01, 12)
    expect(shareOfPosition(1)).toBeCloseTo(1, 12)
    expect(shareOfPosition(0.5)).toBeCloseTo(0.1, 12)
    for (const s of [0.01, 0.05, 0.25, 0.7, 1]) expect(shareOfPosition(positionOfShare(s))).toBeCloseTo(s, 9)
    expect(roundShare(0.012345)).toBe(0.012)
  })
})
