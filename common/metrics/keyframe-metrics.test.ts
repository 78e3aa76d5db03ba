/**
 * Keyframe scoring of real frame-selection methods against annotated scene changes: the case the
 * compare view and `tokenscope compare --annotations` answer.
 */
import { describe, expect, it } from 'vitest'
import type { VideoTokens } from '../tokens'
import { runMethod } from '../compression/registry'
import { keyframeMetrics, methodKeyframes } from './temporal'

/**
 * Four scenes of 6 frames at 2 fps (pts 0, 0.5, …, 11.5), a 2×2 grid of 3-dim tokens: every patch
 * of a scene is that scene's unit vector, so consecutive frames differ only at the cuts (3, 6, 9 s).
 */
function scenes(): VideoTokens {
  const dirs = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [Math.SQRT1_2, -Math.SQRT1_2, 0],
  ]
  const T = 24
  return {
    modelId: 'scenes',
    grid: { h: 2, w: 2 },
    dim: 3,
    pts: Float64Array.from({ length: T }, (_, t) => t / 2),
    tokens: Array.from({ length: T }, (_, t) => Float32Array.from(Array.from({ length: 4 }, () => dirs[Math.floor(t / 6)]).flat())),
  }
}

/** Annotated scene starts (s). */
const annotated = [0, 3, 6, 9]

describe('keyframeMetrics', () => {
  it('hand-computed: P, R and F1 within ±δ and the counts', () => {
    const pts = [0, 1, 2, 3, 4]
    const kept = methodKeyframes({ map: { keptFrames: Uint8Array.from([1, 0, 0, 1, 1]) }, report: {} })
    expect(kept).toEqual([0, 3, 4])
    // Keyframes at 0, 3, 4 s against annotations 0.4, 2: within 0.5 s → 0 ✓, 3 ✗, 4 ✗; 0.4 ✓, 2 ✗.
    const m = keyframeMetrics(pts, kept, [0.4, 2], 0.5)!
    expect(m.temporalPrecision).toBeCloseTo(1 / 3, 12)
    expect(m.temporalRecall).toBeCloseTo(1 / 2, 12)
    expect(m.temporalF1).toBeCloseTo(0.4, 12)
    expect(m).toMatchObject({ deltaSeconds: 0.5, keyframesPredicted: 3, keyframesAnnotated: 2 })
    // Widening δ to 1 s catches 3 s (annotation 2): P = 2/3, R = 1.
    expect(keyframeMetrics(pts, kept, [0.4, 2], 1)).toMatchObject({ temporalPrecision: 2 / 3, temporalRecall: 1 })
  })

  it('not scored without annotations', () => {
    const video = scenes()
    expect(keyframeMetrics(video.pts, methodKeyframes(runMethod('uniform-frames', video, { tokens: 16 }, {}, { seed: 0 })), [])).toBeUndefined()
  })

  it('scene-segments finds the annotated cuts; uniform-frames at the same budget misses them', () => {
    const video = scenes()
    // Four frames' worth of tokens: one frame per scene for scene-segments.
    const budget = { tokens: 16 }
    const scene = runMethod('scene-segments', video, budget, {}, { seed: 0 })
    const uniform = runMethod('uniform-frames', video, budget, {}, { seed: 0 })
    const s = keyframeMetrics(video.pts, methodKeyframes(scene), annotated, 0.5)!
    const u = keyframeMetrics(video.pts, methodKeyframes(uniform), annotated, 0.5)!
    // scene-segments keeps each scene's medoid: all frames of a scene are alike, so its first frame.
    expect(s).toMatchObject({ temporalPrecision: 1, temporalRecall: 1, temporalF1: 1, keyframesPredicted: 4 })
    // uniform-frames keeps frames 0, 7, 15, 23 (linspace): 0, 3.5, 7.5, 11.5 s; only 0 and 3.5 lie within 0.5 s of a cut.
    expect(u).toMatchObject({ temporalPrecision: 0.5, temporalRecall: 0.5, keyframesPredicted: 4 })
    expect(u.temporalF1).toBeLessThan(s.temporalF1)
  })
})
