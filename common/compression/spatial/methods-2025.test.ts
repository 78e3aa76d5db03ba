/**
 * Planted-answer tests for the 2025–26 per-frame methods (issue 13): inputs built so the right
 * answer is known by construction.
 */
import { describe, expect, it } from 'vitest'
import { visPruner } from './vispruner'
import { pruMergePlus } from './prumerge-plus'
import { feather, uniformGrid } from './feather'
import { topPPatches } from './zipvl-topp'
import { vtcCls } from './vtc-cls'
import { runMethod } from '../registry'
import { spatialBias } from '../../metrics/spatial-bias'
import { ctx0, frameOf, randomVideo } from '../../../tests/support/method-inputs'

const keptPatches = (groups: Int32Array) => Array.from(groups).flatMap((g, i) => (g >= 0 ? [i] : []))

describe('vispruner', () => {
  // Attention order of the residual: u (2), u' (4), v (3), v' (6), w (5); u = u', v = v'.
  const u = [1, 0, 0, 0]
  const v = [0, 1, 0, 0]
  const w = [0, 0, 1, 0]
  const rows = [[0, 0, 0, 1], [0, 0, 0.5, 1], u, v, u, w, v]
  const attn = [0.3, 0.25, 0.12, 0.1, 0.11, 0.02, 0.09]
  it('keeps the most attended patches, then drops the duplicates of the rest before any distinct token', () => {
    // T_imp = floor(5 · 0.4) = 2 (patches 0, 1); one round: A = [2, 3, 5] (scores 1, 1, 0), B = [4, 6];
    // the two duplicates 2 and 3 go, leaving one copy of u, one of v, and w.
    const r = visPruner.frame(frameOf(1, 7, rows, attn), 5, { importantRatio: 0.4 }, ctx0)
    expect(keptPatches(r.groups)).toEqual([0, 1, 4, 5, 6])
    expect(r.derived).toEqual({ important: 2, diverse: 3 })
    expect(Array.from(r.features.subarray(8, 12))).toEqual(u)
  })
  it('with ratio 1 is the attention top-k (FasterVLM)', () => {
    const r = visPruner.frame(frameOf(1, 7, rows, attn), 3, { importantRatio: 1 }, ctx0)
    expect(keptPatches(r.groups)).toEqual([0, 1, 2])
  })
})

describe('prumerge-plus', () => {
  it('adds evenly spaced patches to the attention outliers and lets each absorb its nearest neighbour', () => {
    // 16 patches, one outlier (patch 5): ratio 1/16, step int(16/3) = 5 → supplement 0 and 10 (5 is kept already).
    const attn = Array.from({ length: 16 }, (_, i) => (i === 5 ? 0.25 : 0.05))
    const rows = Array.from({ length: 16 }, (_, i) => [Math.cos(i / 3), Math.sin(i / 3), i === 1 ? 0.001 : 0])
    const r = pruMergePlus.frame(frameOf(4, 4, rows, attn), 99, { neighbours: 1, extraToken: true }, ctx0)
    const g = Array.from(r.groups)
    expect([g[0], g[5], g[10]]).toEqual([0, 2, 3])
    expect(g.filter((x) => x === 1).length).toBe(13) // the extra token collects every pruned patch
    expect(r.derived).toEqual({ kept: 3 })
    // Patch 0's nearest other token is patch 1: y = x0 + a1·x1.
    const y0 = Array.from(r.features.subarray(0, 3))
    const want = rows[0].map((v, k) => v + 0.05 * rows[1][k])
    y0.forEach((v, k) => expect(v).toBeCloseTo(want[k], 6))
  })
  it('refuses a saliency proxy, as prumerge does', () => {
    expect(() => runMethod('prumerge-plus', randomVideo(2, 2, 2, 4, 1), { ratio: 0.5 }, {}, { seed: 1 })).toThrow(/real class-token attention/)
  })
})

describe('feather', () => {
  // Importance grows with the raster index: attention-style pruning keeps the bottom rows.
  const h = 6
  const w = 6
  const rows = Array.from({ length: h * w }, (_, i) => [i, 1])
  const attn = Array.from({ length: h * w }, (_, i) => i + 1)
  it('keeps the stride-3 grid, then the most attended patches off it', () => {
    expect(uniformGrid({ h, w }, 3, 6)).toEqual({ patches: [0, 3, 18, 21], stride: 3 })
    const r = feather.frame(frameOf(h, w, rows, attn), 6, { stride: 3 }, ctx0)
    expect(keptPatches(r.groups)).toEqual([0, 3, 18, 21, 34, 35])
  })
  it('grows the stride until the grid fits the frame budget', () => {
    expect(uniformGrid({ h, w }, 3, 4)).toEqual({ patches: [0, 3, 18, 21], stride: 3 })
    // Strides 4 and 5 still give 2 × 2 = 4 patches.
    expect(uniformGrid({ h, w }, 3, 3)).toEqual({ patches: [0], stride: 6 })
    const r = feather.frame(frameOf(h, w, rows, attn), 1, { stride: 3 }, ctx0)
    expect(keptPatches(r.groups)).toEqual([0])
    expect(r.derived).toEqual({ stride: 6 })
  })
  it('moves the kept tokens up from the bottom rows where top-k attention leaves them', () => {
    const frame = frameOf(h, w, rows, attn)
    const top = vtcCls.frame(frame, 9, {}, ctx0)
    const fea = feather.frame(frame, 9, { stride: 3 }, ctx0)
    const meanRow = (groups: Int32Array) => spatialBias({ grid: { h, w }, frameCount: 1, keptFrames: Uint8Array.of(1), groups, tokenSizes: new Float32Array(9).fill(1), tokenFrame: new Int32Array(9) })!.meanRow
    // top-k: the last 9 patches, rows 4 and 5 → (4.5·3 + 5.5·6)/9/6; FEATHER: grid rows 0 and 3 plus rows 5 and 4.
    expect(meanRow(top.groups)).toBeCloseTo((4.5 * 3 + 5.5 * 6) / 9 / 6, 9)
    expect(meanRow(fea.groups)).toBeLessThan(meanRow(top.groups) - 0.2)
  })
})

describe('zipvl-topp', () => {
  it('keeps the fewest patches whose attention reaches a share p of the mass', () => {
    const a = Float32Array.from([0.1, 0.5, 0.1, 0.3])
    expect(Array.from(topPPatches(a, 0.8))).toEqual([1, 3])
    expect(Array.from(topPPatches(a, 0.81))).toEqual([1, 3, 0])
    expect(Array.from(topPPatches(a, 1))).toHaveLength(4)
    expect(Array.from(topPPatches(a, 0.001))).toEqual([1])
    // Unnormalised attention: the share is of the frame's own mass.
    expect(Array.from(topPPatches(Float32Array.from([2, 10, 2, 6]), 0.8))).toEqual([1, 3])
  })
  it('calibrates one p for the video to the budget', () => {
    const video = { ...randomVideo(2, 1, 4, 2, 3, 'cls-attention'), importance: [Float32Array.from([0.1, 0.5, 0.1, 0.3]), Float32Array.from([0.7, 0.1, 0.1, 0.1])] }
    // p ≤ 0.7 keeps 2 + 1 tokens; up to 0.8 keeps 2 + 2; above, 3 + 3 or more.
    const r = runMethod('zipvl-topp', video, { tokens: 4 }, { mode: 'calibrate' }, { seed: 1 })
    expect(r.report.tokensOut).toBe(4)
    expect(r.report.derived.p).toBeGreaterThan(0.79)
    expect(r.report.derived.p).toBeLessThanOrEqual(0.8 + 1e-5)
    const fixed = runMethod('zipvl-topp', video, { tokens: 4 }, { p: 0.5 }, { seed: 1 })
    expect(fixed.report.tokensOut).toBe(2)
  })
})
