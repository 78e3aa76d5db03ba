import { consecutiveSimilarity } from '../../tensor/vectors'
import { allocateByWeights, splitEvenly } from '../allocation'
import { frameSelectionMethod } from '../define'
import { globalFeatureParam, globalFeatures } from './global-features'

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
    globalFeature: globalFeatureParam,
  },
  needs: {},
  budgetMode: 'exact',
  allocate(video, plan, params) {
    const { n, frames: T, tokens: want } = plan
    const g = globalFeatures(video, params.globalFeature)
    const starts = sceneStarts(consecutiveSimilarity(g), params.threshold)
    const lens = starts.map((s, j) => (j + 1 < starts.length ? starts[j + 1] : T) - s)
    const K = Math.min(T, Math.max(starts.length * params.framesPerScene, Math.ceil(want / n)))
    const base = lens.map((L) => Math.min(L, params.framesPerScene))
    const baseSum = base.reduce((a, b) => a + b, 0)
    const extra = allocateByWeights(lens, Math.max(0, K - baseSum), lens.map((L, j) => L - base[j]))
    const chosen: number[] = []
    starts.forEach((s, j) => chosen.push(...chunkMedoids(g, s, lens[j], base[j] + extra[j])))
    const tokens = splitEvenly(want, chosen.length, n)
    const perFrame = new Int32Array(T)
    chosen.forEach((t, j) => (perFrame[t] = tokens[j]))
    return { perFrame, derived: { scenes: starts.length, sceneStarts: starts.join(','), selectedFrames: chosen.length }, notes: [] }
  },
})

/** First frame of every scene for consecutive similarities sim [T-1]: 0, then t+1 wherever sim[t] < threshold. */
export function sceneStarts(sim: Float64Array, threshold: number): number[] {
  const out = [0]
  sim.forEach((s, t) => s < threshold && out.push(t + 1))
  return out
}

/** m representatives of frames s..s+L-1: the medoid (closest to the mean feature) of each of m equal chunks. */
export function chunkMedoids(g: Float32Array[], s: number, L: number, m: number): number[] {
  const out: number[] = []
  const d = g[0]?.length ?? 0
  for (let j = 0; j < m; j++) {
    const a = s + Math.floor((j * L) / m)
    const b = s + Math.floor(((j + 1) * L) / m)
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
    out.push(best)
  }
  return out
}
