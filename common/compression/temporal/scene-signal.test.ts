import { describe, expect, it } from 'vitest'
import { createRng } from '../../tensor/rng'
import { BUILTIN_MODEL_ID, type VideoTokens } from '../../tokens'
import { detectKeyframes, keyframesCodec } from './keyframes-codec'
import { sceneSegments, sceneStarts } from './scene-segments'
import { frameStructure, sceneSimilarity, structureMedoid, structureSimilarity } from './scene-signal'
import { consecutiveSimilarity } from '../../tensor/vectors'
import { planOf } from '../plan'
import { globalFeatures } from './global-features'

const h = 3
const w = 3
const d = 4
const n = h * w
const ctx = { seed: 1 }

/** A video of the given frames; the global token is the mean patch token, as the built-in model's. */
function videoOf(frames: Float32Array[], modelId = BUILTIN_MODEL_ID): VideoTokens {
  const cls = frames.map((x) => {
    const m = new Float32Array(d)
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) m[k] += x[i * d + k] / n
    return m
  })
  return { modelId, grid: { h, w }, dim: d, pts: Float64Array.from(frames, (_, t) => t), tokens: frames, cls }
}

const randomFrame = (rand: () => number) => Float32Array.from({ length: n * d }, () => rand() * 2 - 1)
/** a·x + b on every entry: what brightness and contrast do to a linear encoder's tokens (up to where b lands). */
const affine = (x: Float32Array, a: number, b: number) => x.map((v) => a * v + b)
/** A "dark shot": the pattern scaled down and shifted so its mean token is (0.05, …) like every other dark shot's. */
function darkShot(pattern: Float32Array): Float32Array {
  const x = affine(pattern, 0.05, 0)
  for (let k = 0; k < d; k++) {
    let m = 0
    for (let i = 0; i < n; i++) m += x[i * d + k] / n
    for (let i = 0; i < n; i++) x[i * d + k] += -0.9 - m
  }
  return x
}

describe('structure similarity', () => {
  const rand = createRng(3)
  const a = randomFrame(rand)
  const b = randomFrame(rand)

  it("ignores brightness and contrast (flicker, a fade's gain) and scores unrelated frames near 0", () => {
    const video = videoOf([a, affine(a, 0.3, 0.4), affine(a, 2, -1), b])
    const s = frameStructure(video)
    expect(structureSimilarity(video, s, 0, 1)).toBeCloseTo(1, 5)
    expect(structureSimilarity(video, s, 0, 2)).toBeCloseTo(1, 5)
    expect(Math.abs(structureSimilarity(video, s, 0, 3))).toBeLessThan(0.5)
  })

  it('gives flat frames 1 between them and 0 against a structured frame', () => {
    const flat = (v: number) => new Float32Array(n * d).fill(v)
    const video = videoOf([a, flat(-1), flat(0.5), a])
    const s = frameStructure(video)
    expect(Array.from(s.flat)).toEqual([0, 1, 1, 0])
    expect(structureSimilarity(video, s, 1, 2)).toBe(1)
    expect(structureSimilarity(video, s, 0, 1)).toBe(0)
  })

  it('scores a cut low, and a lasting change only where it starts (no run of cuts)', () => {
    const shot = (x: Float32Array, k: number) => Array.from({ length: k }, (_, t) => affine(x, 1 + 0.1 * t, 0.05 * t))
    const noisy = Array.from({ length: 5 }, () => randomFrame(rand)) // every frame unrelated to the one before
    const video = videoOf([...shot(a, 4), ...shot(b, 4), ...noisy])
    const sim = sceneSimilarity(video)
    const starts = sceneStarts(sim, 0.85)
    expect(starts.slice(0, 3)).toEqual([0, 4, 8])
    expect(starts.length).toBeLessThanOrEqual(4) // the noisy stretch cuts at most once more
  })

  it('picks the medoid by structure', () => {
    const c = randomFrame(rand)
    const video = videoOf([a, affine(a, 0.5, 0.1), c, affine(a, 3, 0)])
    const s = frameStructure(video)
    expect(structureMedoid(video, s, 0, 4)).toBe(0)
    expect(structureMedoid(video, s, 2, 3)).toBe(2)
  })
})

describe('scene-segments and keyframes-codec on the built-in model: dark-to-dark cuts, flicker', () => {
  const rand = createRng(9)
  const [p, q] = [randomFrame(rand), randomFrame(rand)]
  // Two dark shots whose mean tokens are identical; then the second shot lit up, flickering around
  // mid-grey (the same picture: no cut), which flips the sign of its mean token frame to frame.
  const frames = [
    ...Array.from({ length: 4 }, () => darkShot(p)),
    ...Array.from({ length: 4 }, () => darkShot(q)),
    ...Array.from({ length: 6 }, (_, t) => affine(q, t % 2 ? 0.8 : 1.2, t % 2 ? -0.1 : 0.1)),
  ]

  it('the mean token cannot see the dark-to-dark cut (why the signal exists)', () => {
    const byMean = sceneStarts(consecutiveSimilarity(globalFeatures(videoOf(frames), 'cls')), 0.85)
    expect(byMean).not.toContain(4)
    expect(byMean.filter((t) => t > 8).length).toBeGreaterThanOrEqual(4) // a run of cuts in the flicker
    expect(detectKeyframes(globalFeatures(videoOf(frames), 'cls'), 0.15, 0)).not.toContain(4)
  })

  it("'auto' uses the structure on the built-in model: the cut and nothing in the flicker", () => {
    const video = videoOf(frames)
    const scenes = sceneSegments.allocate(video, planOf(video, { tokens: 3 * n }), { threshold: 0.85, framesPerScene: 1, globalFeature: 'auto' }, ctx)
    expect(scenes.derived).toMatchObject({ sceneStarts: '0,4', globalFeature: 'structure' })
    const keys = keyframesCodec.allocate(video, planOf(video, { tokens: 20 }), { threshold: 0.15, keyframeWeight: 4, maxGop: 0, globalFeature: 'auto' }, ctx)
    expect(keys.derived).toMatchObject({ keyframeList: '0,4', globalFeature: 'structure' })
  })

  it("a real encoder keeps the paper's feature under 'auto', and can ask for the structure", () => {
    const video = videoOf(frames, 'openai-clip-vit-b16')
    const params = { threshold: 0.85, framesPerScene: 1 }
    expect(sceneSegments.allocate(video, planOf(video, { tokens: 3 * n }), { ...params, globalFeature: 'auto' }, ctx).derived.globalFeature).toBe('cls')
    expect(sceneSegments.allocate(video, planOf(video, { tokens: 3 * n }), { ...params, globalFeature: 'structure' }, ctx).derived).toMatchObject({ sceneStarts: '0,4' })
  })
})
