import { consecutiveSimilarity } from '../../tensor/vectors'
import { allocateByWeights, splitEvenly } from '../allocation'
import { frameSelectionMethod } from '../define'
import type { Prepared } from '../types'
import { globalFeatures, packRows, unpackRows } from './global-features'
import { frameStructure, sceneFeatureName, sceneFeatureParam, sceneSimilarity, structureMedoid, usesStructure } from './scene-signal'

type Params = { threshold: number; framesPerScene: number; globalFeature: string }

/**
 * Scene segmentation and representative frames (the frame-selection step of Temporal Dynamic
 * Context and D-CoDe).
 *
 * g_t: L2-normalised global frame features. A new scene starts at frame t+1 whenever
 * g_t·g_{t+1} < threshold. Each scene gets at least min(framesPerScene, its length) representative
 * frames; when the budget needs more frames (K = max(scenes·framesPerScene, ceil(B/N)), ≤ T), the
 * extra ones go to scenes in proportion to their length. A scene with m representatives is cut into
 * m equal chunks and each chunk contributes its medoid: the frame most similar to the chunk's mean
 * feature (earliest on ties). The budget is split as evenly as possible over the chosen frames in
 * time order (no frame above N), so it sums exactly to the budget.
 *
 * Choices left open: the similarity measure (global-feature cosine between consecutive frames),
 * the threshold (0.85), the representative (chunk medoid), and the even split of tokens over the
 * chosen frames; standalone `run` keeps each chosen frame's tokens by uniform stride.
 *
 * The frame feature (`globalFeature`): the papers compare global frame features (the class token,
 * else the mean patch token), and so does every real encoder here. On the built-in DCT model
 * (`auto`), or when asked (`structure`), the similarity is scene-signal.ts's instead: 1 − the cut
 * score of the correlation of consecutive frames' patch-token structures (brightness-invariant,
 * so dark-to-dark cuts are found and flicker or fades make no runs of cuts), and the chunk medoid
 * is the frame closest to the chunk's mean structure. `derived.globalFeature` says which was used.
 */
export const sceneSegments = frameSelectionMethod<Params>({
  id: 'scene-segments',
  name: 'Scene segments',
  family: 'frame-selection',
  paper: {
    title: 'Temporal Dynamic Context for Long Video Understanding (TDC); D-CoDe: Scaling Image-Pretrained VLMs to Video via Dynamic Compression and Question Decomposition',
    authors: 'Haoran Hao et al.; Yiyang Huang et al.',
    venue: 'arXiv 2025; EMNLP 2025',
    url: 'https://arxiv.org/abs/2504.10443',
  },
  summary: 'Cuts the video into scenes and spreads the budget over representative frames of each.',
  params: {
    threshold: { type: 'number', default: 0.85, min: -1, max: 1, step: 0.01, help: 'A scene cut where consecutive-frame cosine similarity falls below this' },
    framesPerScene: { type: 'integer', default: 1, min: 1, max: 1000, help: 'Representative frames per scene (at least)' },
    globalFeature: sceneFeatureParam,
  },
  needs: {},
  budgetMode: 'exact',
  prepare(video, params): Prepared {
    if (usesStructure(video, params.globalFeature)) return { starts: Int32Array.from(sceneStarts(sceneSimilarity(video, frameStructure(video)), params.threshold)) }
    const g = globalFeatures(video, params.globalFeature)
    return { g: packRows(g), starts: Int32Array.from(sceneStarts(consecutiveSimilarity(g), params.threshold)) }
  },
  allocate(video, plan, params, _ctx, prepared) {
    const { n, frames: T, tokens: want } = plan
    const structure = usesStructure(video, params.globalFeature)
    const starts = Array.from(prepared!.starts as Int32Array)
    let medoid: (a: number, b: number) => number
    if (structure) {
      // The structure medoid of a chunk reads its frames' tokens (the chunks depend on the budget).
      const s = frameStructure(video)
      medoid = (a, b) => structureMedoid(video, s, a, b)
    } else {
      const g = unpackRows(prepared!.g as Float32Array, T)
      medoid = (a, b) => featureMedoid(g, a, b)
    }
    const lens = starts.map((s, j) => (j + 1 < starts.length ? starts[j + 1] : T) - s)
    const K = Math.min(T, Math.max(starts.length * params.framesPerScene, Math.ceil(want / n)))
    const base = lens.map((L) => Math.min(L, params.framesPerScene))
    const baseSum = base.reduce((a, b) => a + b, 0)
    const extra = allocateByWeights(lens, Math.max(0, K - baseSum), lens.map((L, j) => L - base[j]))
    const chosen: number[] = []
    starts.forEach((s, j) => chosen.push(...chunkMedoids(s, lens[j], base[j] + extra[j], medoid)))
    const tokens = splitEvenly(want, chosen.length, n)
    const perFrame = new Int32Array(T)
    chosen.forEach((t, j) => (perFrame[t] = tokens[j]))
    return { perFrame, derived: { scenes: starts.length, sceneStarts: starts.join(','), selectedFrames: chosen.length, globalFeature: sceneFeatureName(video, params.globalFeature) }, notes: [] }
  },
})

/** First frame of every scene for consecutive similarities sim [T-1]: 0, then t+1 wherever sim[t] < threshold. */
export function sceneStarts(sim: Float64Array, threshold: number): number[] {
  const out = [0]
  sim.forEach((s, t) => s < threshold && out.push(t + 1))
  return out
}

/** m representatives of frames s..s+L-1: the medoid (by `medoid(a, b)` over frames a..b-1) of each of m equal chunks. */
export function chunkMedoids(s: number, L: number, m: number, medoid: (a: number, b: number) => number): number[] {
  const out: number[] = []
  for (let j = 0; j < m; j++) out.push(medoid(s + Math.floor((j * L) / m), s + Math.floor(((j + 1) * L) / m)))
  return out
}

/** The frame of a..b-1 whose normalised global feature is closest to the chunk's mean feature (earliest on ties). */
export function featureMedoid(g: Float32Array[], a: number, b: number): number {
  const d = g[0]?.length ?? 0
  const mean = new Float64Array(d)
  for (let t = a; t < b; t++) for (let k = 0; k < d; k++) mean[k] += g[t][k]
  let best = a
  let bestS = -Infinity
  for (let t = a; t < b; t++) {
    let v = 0
    for (let k = 0; k < d; k++) v += g[t][k] * mean[k]
    if (v > bestS) {
      bestS = v
      best = t
    }
  }
  return best
}
