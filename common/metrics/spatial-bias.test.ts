import { describe, expect, it } from 'vitest'
import { tokenMapFromLabels } from '../token-map'
import { spatialBias } from './spatial-bias'
import { allPatchFidelity, tokDenseProxy } from './token-density'

/** A 4 × 2 grid, one frame, from per-patch labels. */
const mapOf = (labels: number[]) => tokenMapFromLabels({ h: 4, w: 2 }, 1, Int32Array.from(labels)).map

describe('spatial bias', () => {
  it('puts tokens kept in the bottom row at the bottom, far from even', () => {
    const b = spatialBias(mapOf([-1, -1, -1, -1, -1, -1, 0, 1]))!
    expect(Array.from(b.rowShare)).toEqual([0, 0, 0, 1])
    expect(Array.from(b.colShare)).toEqual([0.5, 0.5])
    expect(b.meanRow).toBe(3.5 / 4)
    expect(b.meanCol).toBe(0.5)
    // rows: O = (0, 0, 0, 2), E = 0.5 → (3 · 0.25 + 2.25) / 0.5
    expect(b.rowChi2).toBe(6)
    expect(b.colChi2).toBe(0)
  })
  it('spreads a merged token over its patches: one token over the whole grid is even', () => {
    const b = spatialBias(mapOf([0, 0, 0, 0, 0, 0, 0, 0]))!
    expect(Array.from(b.rowShare)).toEqual([0.25, 0.25, 0.25, 0.25])
    expect(b.meanRow).toBe(0.5)
    expect(b.rowChi2).toBe(0)
  })
  it('has nothing to say about an empty result', () => {
    expect(spatialBias(mapOf([-1, -1, -1, -1, -1, -1, -1, -1]))).toBeUndefined()
  })
})

describe('token density (TokDense proxy)', () => {
  it('averages token fidelity over kept patches and 1 − coverage over pruned ones, per output token', () => {
    // 6 kept or merged patches at fidelity 0.9, 2 pruned at coverage distance 0.5.
    const map = mapOf([0, 0, 1, 1, 2, 2, -1, -1])
    const all = allPatchFidelity(map, 0.9, 0.5)
    expect(all).toBeCloseTo((6 * 0.9 + 2 * 0.5) / 8, 12)
    expect(tokDenseProxy(all, 3)).toBeCloseTo((100 * all) / 3, 12)
  })
})
