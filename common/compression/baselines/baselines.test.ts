import { describe, expect, it } from 'vitest'
import { avgPool, poolStride } from './avg-pool'
import { bilinearTaps, downsample } from './downsample'
import { randomPrune } from './random-prune'
import { uniformFrameIndices, uniformFrames } from './uniform-frames'
import { stridedPatches } from '../allocation'
import { planOf } from '../plan'
import { ctx0, frameOf, randomVideo } from '../../../tests/support/method-inputs'

const ramp = (h: number, w: number) => frameOf(h, w, Array.from({ length: h * w }, (_, i) => [i, -i]))

describe('avg-pool', () => {
  it('averages 2 × 2 windows of a 4 × 4 grid', () => {
    const r = avgPool.frame(ramp(4, 4), 4, {}, ctx0)
    expect(Array.from(r.features)).toEqual([2.5, -2.5, 4.5, -4.5, 10.5, -10.5, 12.5, -12.5])
    expect(Array.from(r.groups)).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3])
  })
  it('uses ceil-mode partial windows on a 3 × 3 grid', () => {
    const r = avgPool.frame(ramp(3, 3), 4, {}, ctx0)
    // windows {0,1,3,4}, {2,5}, {6,7}, {8}
    expect(Array.from(r.features).filter((_, k) => k % 2 === 0)).toEqual([2, 3.5, 6.5, 8])
    expect(Array.from(r.groups)).toEqual([0, 0, 1, 0, 0, 1, 2, 2, 3])
  })
  it('picks the largest pooled grid within the budget', () => {
    expect(poolStride(24, 24, 144)).toBe(2)
    expect(poolStride(24, 24, 143)).toBe(3)
    expect(poolStride(4, 5, 1)).toBe(5)
  })
})

describe('downsample', () => {
  it('matches torch bilinear (align_corners=False) taps', () => {
    const t = bilinearTaps(5, 3)
    expect(Array.from(t.i0)).toEqual([0, 2, 3])
    expect(Array.from(t.i1)).toEqual([1, 3, 4])
    expect(t.w1[0]).toBeCloseTo(1 / 3, 12)
    expect(t.w1[1]).toBeCloseTo(0, 12)
    expect(t.w1[2]).toBeCloseTo(2 / 3, 12)
  })
  it('resizes a linear ramp to its values at the source coordinates', () => {
    const r = downsample.frame(ramp(1, 5), 3, {}, ctx0)
    const even = Array.from(r.features).filter((_, k) => k % 2 === 0)
    expect(even[0]).toBeCloseTo(1 / 3, 5)
    expect(even[1]).toBeCloseTo(2, 5)
    expect(even[2]).toBeCloseTo(11 / 3, 5)
    // patch centres 0.5, 1.5, … × 3/5 → cells 0, 0, 1, 2, 2
    expect(Array.from(r.groups)).toEqual([0, 0, 1, 2, 2])
  })
  it('halving a 4 × 4 grid averages 2 × 2 blocks', () => {
    const r = downsample.frame(ramp(4, 4), 4, {}, ctx0)
    expect(Array.from(r.features).filter((_, k) => k % 2 === 0)).toEqual([2.5, 4.5, 10.5, 12.5])
  })
})

describe('random-prune', () => {
  const video = randomVideo(3, 4, 5, 6, 1)
  it('keeps exactly the budget, unchanged tokens, reproducibly per seed', () => {
    const a = randomPrune.run(video, { tokens: 21 }, {}, { seed: 5 })
    const b = randomPrune.run(video, { tokens: 21 }, {}, { seed: 5 })
    const c = randomPrune.run(video, { tokens: 21 }, {}, { seed: 6 })
    expect(a.report.tokensOut).toBe(21)
    expect(Array.from(a.map.groups)).toEqual(Array.from(b.map.groups))
    expect(Array.from(a.map.groups)).not.toEqual(Array.from(c.map.groups))
    const g = a.map.groups
    const first = g.findIndex((v) => v === 0)
    expect(Array.from(a.features.subarray(0, 6))).toEqual(Array.from(video.tokens[0].subarray(first * 6, first * 6 + 6)))
  })
})

describe('uniform-frames', () => {
  it('spreads frames like np.linspace(0, T-1, F).astype(int)', () => {
    expect(Array.from(uniformFrameIndices(10, 3, 'linspace'))).toEqual([0, 4, 9])
    expect(Array.from(uniformFrameIndices(10, 4, 'centres'))).toEqual([1, 3, 6, 8])
    expect(Array.from(uniformFrameIndices(10, 1, 'linspace'))).toEqual([0])
  })
  it('fills whole frames and gives the remainder to the last kept frame', () => {
    const video = randomVideo(10, 2, 2, 3, 2)
    const alloc = uniformFrames.allocate(video, planOf(video, { tokens: 10 }), { spread: 'linspace' }, { seed: 0 })
    expect(Array.from(alloc.perFrame)).toEqual([4, 0, 0, 0, 4, 0, 0, 0, 0, 2])
    const r = uniformFrames.run(video, { tokens: 10 }, { spread: 'linspace' }, { seed: 0 })
    expect(r.report.tokensOut).toBe(10)
    expect(Array.from(r.map.keptFrames)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0, 1])
    expect(Array.from(stridedPatches(4, 2))).toEqual([1, 3])
    expect(Array.from(r.map.groups.subarray(36, 40))).toEqual([-1, 8, -1, 9])
  })
})
