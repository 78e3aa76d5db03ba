import { describe, expect, it } from 'vitest'
import { tome } from './tome'
import { calibrateMerges, dtome } from './dtome'
import { vtcCls } from './vtc-cls'
import { visionZip, visionZipSplit } from './visionzip'
import { iqrOutliers, percentile, plusSupplement, pruMerge } from './prumerge'
import { divPrune, divPruneSelect } from './divprune'
import { dctLowpassMethod } from './dct-lowpass'
import { fitGrid } from '../frame-ops'
import { ctx0, frameOf, randomVideo } from '../../../tests/support/method-inputs'
import { MethodInputError } from '../types'

/** Unit-ish distinct directions: e_k plus a small tilt so no two are orthogonal-equal. */
const dir = (k: number, d = 8) => Array.from({ length: d }, (_, c) => (c === k ? 1 : 0.05 * ((c * 7 + k * 3) % 5)))
const groupsOf = (g: Int32Array) => Array.from(g)

describe('tome', () => {
  it('merges an exact duplicate pair first', () => {
    // A = positions 0, 2, 4; B = 1, 3, 5; patch 0 duplicates patch 3
    const rows = [dir(0), dir(1), dir(2), dir(0), dir(4), dir(5)]
    const r = tome.frame(frameOf(1, 6, rows), 5, {}, ctx0)
    expect(groupsOf(r.groups)).toEqual([0, 1, 2, 0, 3, 4])
    expect(r.features.length).toBe(5 * 8)
    expect(Array.from(r.features.subarray(0, 8))).toEqual(Array.from(Float32Array.from(dir(0))))
  })
  it('collapses two clusters of copies over two rounds', () => {
    const u = dir(0)
    const v = dir(3)
    const r = tome.frame(frameOf(2, 4, [u, u, u, u, v, v, v, v]), 2, {}, ctx0)
    expect(groupsOf(r.groups)).toEqual([0, 0, 0, 0, 1, 1, 1, 1])
    expect(r.derived?.rounds).toBe(2)
  })
  it('matches a numpy port of ToMe merge.py over several rounds (golden case)', () => {
    const rows = [
      [0.61, 0.62, 0.03], [-0.43, -0.89, -0.23], [-0.18, -0.91, -0.9], [1.0, 0.3, -0.53], [-0.13, 0.95, 0.8],
      [0.69, -0.22, -0.01], [0.35, -0.88, 0.11], [-0.46, 0.76, -0.87], [0.36, 0.74, -0.55], [0.79, 0.74, -0.96],
    ]
    const r = tome.frame(frameOf(1, 10, rows), 3, {}, ctx0)
    expect(groupsOf(r.groups)).toEqual([0, 1, 1, 0, 2, 0, 0, 2, 0, 0])
    const expected = [0.63333, 0.21667, -0.31833, -0.305, -0.9, -0.565, -0.295, 0.855, -0.035]
    r.features.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 4))
  })
  it('averages merged tokens by size', () => {
    // 0 ≈ 1 (merge first, r = 1), then {0,1} and 2 merge: mean of three patches
    const rows = [
      [1, 0],
      [1, 0.001],
      [1, 0.002],
      [-1, 5],
    ]
    const r = tome.frame(frameOf(1, 4, rows), 2, {}, ctx0)
    expect(groupsOf(r.groups)).toEqual([0, 0, 0, 1])
    expect(r.features[1]).toBeCloseTo(0.001, 6)
  })
})

describe('dtome', () => {
  it('fixed mode merges only pairs above the threshold', () => {
    const rows = [dir(0), dir(0), dir(2), dir(3), dir(4), dir(4)]
    const r = dtome.frame(frameOf(1, 6, rows), 6, { mode: 'fixed', rounds: 4, threshold: 0.999 }, ctx0)
    expect(groupsOf(r.groups)).toEqual([0, 0, 1, 2, 3, 3])
  })
  it('calibration meets the video budget and gives simple frames fewer tokens', () => {
    const flat = Float32Array.from(Array.from({ length: 8 }, () => dir(1)).flat())
    const busy = Float32Array.from(Array.from({ length: 8 }, (_, i) => dir(i)).flat())
    const { labels, thresholds } = calibrateMerges([flat, busy], 8, 8, 8, 2)
    const count = (l: Int32Array) => new Set(l).size
    expect(count(labels[0]) + count(labels[1])).toBe(8)
    expect(count(labels[0])).toBe(2)
    expect(count(labels[1])).toBe(6)
    expect(thresholds.length).toBe(2)
    const video = randomVideo(5, 4, 5, 8, 3)
    const res = dtome.run(video, { ratio: 0.3 }, { mode: 'calibrate', rounds: 8, threshold: 0.9 }, { seed: 1 })
    expect(res.report.tokensOut).toBe(res.report.budgetTokens)
    expect(res.report.derived.rounds).toBeGreaterThanOrEqual(8)
  })
})

describe('vtc-cls', () => {
  it('keeps the top-k by attention in spatial order', () => {
    const attn = Array.from({ length: 12 }, (_, i) => (i === 7 ? 0.5 : i === 2 ? 0.3 : i === 11 ? 0.1 : 0.01))
    const rows = Array.from({ length: 12 }, (_, i) => [i, 1])
    const r = vtcCls.frame(frameOf(3, 4, rows, attn), 3, {}, ctx0)
    expect(groupsOf(r.groups)).toEqual([-1, -1, 0, -1, -1, -1, -1, 1, -1, -1, -1, 2])
    expect(Array.from(r.features)).toEqual([2, 1, 7, 1, 11, 1])
  })
})

describe('visionzip', () => {
  it('splits budgets like the paper', () => {
    expect(visionZipSplit(64, 10 / 64)).toEqual({ dominant: 54, contextual: 10 })
    expect(visionZipSplit(128, 10 / 64)).toEqual({ dominant: 108, contextual: 20 })
    expect(visionZipSplit(192, 10 / 64)).toEqual({ dominant: 162, contextual: 30 })
  })
  it('keeps the top-attention patches and merges the rest into strided targets', () => {
    const n = 12
    const attn = Array.from({ length: n }, (_, i) => [0.3, 0.2, 0.15][[5, 9, 0].indexOf(i)] ?? 0.01)
    // remaining patches 1,2,3,4,6,7,8,10,11; 2 targets at stride floor(9/2)=4: patches 1 and 6
    const a = dir(0)
    const b = dir(1)
    const rows = Array.from({ length: n }, (_, i) => ([5, 9, 0].includes(i) ? dir(2 + i % 5) : [2, 3, 4, 1].includes(i) ? a : b))
    const r = visionZip.frame(frameOf(3, 4, rows, attn), 5, { contextualShare: 0.4 }, ctx0)
    // dominant 0, 5, 9 are singletons; {1,2,3,4} → target 1; {6,7,8,10,11} → target 6
    expect(groupsOf(r.groups)).toEqual([0, 1, 1, 1, 1, 2, 3, 3, 3, 4, 3, 3])
    expect(Array.from(r.features.subarray(2 * 8, 3 * 8))).toEqual(Array.from(Float32Array.from(rows[5])))
    expect(r.features.length).toBe(5 * 8)
  })
  it('makes a contextual token the target plus the mean of its members, as the released clip_encoder.py', () => {
    // patch 0 dominant; targets 1 and 2 (stride 1 over the 3 others); patch 3 joins target 2; target 1 has no member
    const u = [1, 0, 0, 0]
    const v = [0, 1, 0, 0]
    const w = [0, 0.9, 0.1, 0]
    const r = visionZip.frame(frameOf(1, 4, [[0, 0, 0, 5], u, v, w], [0.7, 0.1, 0.1, 0.1]), 3, { contextualShare: 2 / 3 }, ctx0)
    expect(groupsOf(r.groups)).toEqual([0, 1, 2, 2])
    expect(Array.from(r.features)).toEqual(Array.from(Float32Array.from([0, 0, 0, 5, ...u, 0, 1.9, 0.1, 0])))
  })
})

describe('prumerge', () => {
  it('uses numpy-style percentiles and the IQR outlier rule', () => {
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12)
    expect(percentile([4, 1, 3, 2], 75)).toBeCloseTo(3.25, 12)
    const attn = Array.from({ length: 20 }, (_, i) => (i === 4 ? 20 : i === 13 ? 10 : 1 + (i % 3) * 0.01))
    expect(Array.from(iqrOutliers(attn).kept)).toEqual([4, 13])
    // int(N · (c/N)) truncates in float64: 49 · (1/49) = 0.999… → no token kept, as in the code
    const one = Array.from({ length: 49 }, (_, i) => (i === 10 ? 5 : 1))
    expect(iqrOutliers(one).ratio).toBeCloseTo(1 / 49, 12)
    expect(iqrOutliers(one).kept.length).toBe(0)
  })
  it('keeps the outliers, absorbs neighbours by attention, and sums the rest into one token', () => {
    const n = 6
    const attn = [0.02, 0.02, 0.9, 0.02, 0.02, 0.02]
    const rows = [
      [1, 0],
      [0, 1],
      [1, 0.1],
      [0, 2],
      [0.9, 0],
      [0, 3],
    ]
    const params = { adaptive: true, neighbours: 1, plus: false, extraToken: true }
    const r = pruMerge.frame(frameOf(1, n, rows, attn), 6, params, ctx0)
    expect(groupsOf(r.groups)).toEqual([0, 0, 1, 0, 0, 0])
    // extra token: Σ a_j x_j over pruned patches 0,1,3,4,5
    expect(r.features[0]).toBeCloseTo(0.02 * (1 + 0.9), 6)
    expect(r.features[1]).toBeCloseTo(0.02 * (1 + 2 + 3), 6)
    // kept patch 2 absorbs its nearest neighbour (patch 0 and 4 tie on cosine 1 → patch 0): x2 + a0·x0
    expect(r.features[2]).toBeCloseTo(1 + 0.02, 6)
    expect(r.features[3]).toBeCloseTo(0.1, 6)
  })
  it('PruMerge+ adds strided patches: int(int(1/ratio)/3)', () => {
    expect(plusSupplement(20, [4, 13], 2 / 20)).toEqual([0, 3, 6, 9, 12, 15, 18])
    expect(plusSupplement(20, [], 0)).toEqual([0])
  })
  it('refuses a saliency proxy', () => {
    expect(() => pruMerge.run(randomVideo(2, 2, 3, 4, 1), { ratio: 0.5 }, { adaptive: true, neighbours: 32, plus: false, extraToken: true }, { seed: 0 })).toThrow(
      MethodInputError,
    )
  })
})

describe('divprune', () => {
  it('starts from the most isolated token and picks the planted outliers', () => {
    const e = (k: number, v = 1) => Array.from({ length: 8 }, (_, c) => (c === k ? v : 0))
    const add = (a: number[], b: number[]) => a.map((v, c) => v + b[c])
    const cluster = (k: number) => add(e(0), add(e(1, 0.01 * k), e(2, 0.02 * (k % 3))))
    // outliers 2 and 5: orthogonal to the cluster, anti-correlated with each other
    const rows = [cluster(1), cluster(2), add(e(5), e(6, -0.2)), cluster(3), cluster(4), add(e(6), e(5, -0.2)), cluster(5), cluster(6)]
    const chosen = Array.from(divPruneSelect(Float32Array.from(rows.flat()), 8, 8, 3))
    expect(new Set(chosen.slice(0, 2))).toEqual(new Set([2, 5]))
    expect([0, 1, 3, 4, 6, 7]).toContain(chosen[2])
    const r = divPrune.frame(frameOf(2, 4, rows), 2, {}, ctx0)
    expect(groupsOf(r.groups)).toEqual([-1, -1, 0, -1, -1, 1, -1, -1])
  })
  it('never returns a patch twice, even among duplicates', () => {
    const rows = Array.from({ length: 6 }, () => dir(0))
    expect(new Set(divPruneSelect(Float32Array.from(rows.flat()), 6, 8, 4)).size).toBe(4)
  })
})

describe('dct-lowpass', () => {
  it('keeps a constant grid exactly', () => {
    const rows = Array.from({ length: 20 }, () => [3.5, -2])
    const r = dctLowpassMethod.frame(frameOf(4, 5, rows), 6, {}, ctx0)
    expect(fitGrid(4, 5, 6)).toEqual({ oh: 2, ow: 3 })
    expect(r.features.length).toBe(6 * 2)
    for (let k = 0; k < r.features.length; k += 2) {
      expect(r.features[k]).toBeCloseTo(3.5, 5)
      expect(r.features[k + 1]).toBeCloseTo(-2, 5)
    }
    expect(groupsOf(r.groups)).toEqual([0, 0, 1, 2, 2, 0, 0, 1, 2, 2, 3, 3, 4, 5, 5, 3, 3, 4, 5, 5])
  })
  it('is the identity at full size', () => {
    const video = randomVideo(1, 3, 4, 5, 9)
    const r = dctLowpassMethod.frame({ tokens: video.tokens[0], grid: video.grid, dim: 5 }, 12, {}, ctx0)
    r.features.forEach((v, k) => expect(v).toBeCloseTo(video.tokens[0][k], 5))
  })
})
