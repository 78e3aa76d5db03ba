import { splitEvenly } from '../allocation'
import { frameSelectionMethod } from '../define'
import type { MethodContext } from '../types'
import type { VideoTokens } from '../../tokens'
import { createRng } from '../../tensor/rng'
import { topK } from '../../tensor/top-k'
import { cosineToQuery } from '../../text-relevance'
import { smoothingSpline } from './smoothing-spline'

type Params = {
  gridRows: number
  gridCols: number
  searchBudget: number
  confidenceThreshold: number
  neighbourWindow: number
  finalSelection: string
}

/** The background class the reference adds to every detection vocabulary. */
const BACKGROUND = ' '

/**
 * tstar-search: T* ("Re-thinking Temporal Search for Long-Form Video Understanding"), the search
 * loop of LongVideoHaystack/TStar `TStarSearcher`, with CLIP in place of its open-vocabulary
 * detector. Frames are the sampled frames (the reference samples the video at 1 fps).
 *
 * Shapes: frameEmbeds e [T, P], the objects' text embeddings → K keyframes with all their tokens.
 * Objects: the query is one target (weight 1); `targets | cues` (comma-separated lists) names
 * target objects (weight 1) and cue objects (weight 0.5) by hand, standing in for the reference's
 * GPT-4o grounding prompt. Confidence of frame f for object o: p_o(f) = softmax over the objects
 * and the background text ' ' of 100 · cos(e_f, text_o); a frame's score = max_o weight_o · p_o(f).
 * Loop, while a target is unconfirmed and budget = min(1000, T · searchBudget) frames remain:
 * 1. Sample g = rows · cols frames: the first round uniformly (every floor(T/g)-th); later ones
 *    without replacement with p ∝ (P + g/T) · unvisited, zeroed below its 75th percentile (if fewer
 *    than g frames remain non-zero, p ∝ P + g/T over all frames).
 * 2. Score the sampled frames; they are visited. Each sampled frame whose score is ≥ this round's
 *    75th percentile spreads score/(|n − f| + 1) to the frames n within ±neighbourWindow (max).
 * 3. P = sigmoid(max(1/T, spline(visited frames, their scores))), normalised, with the smoothing
 *    spline of residual 0.5 (smoothing-spline.ts).
 * 4. A target is confirmed when p_o(f) > confidenceThreshold on a sampled frame.
 * Then K = ceil(B / N) keyframes are drawn without replacement with p ∝ score ('sample', the
 * reference) or taken by score ('topk'), in time order; the budget is split evenly over them
 * (exact), each keeps its tokens by uniform stride when partial.
 *
 * Choices, where the reference does differently or leaves it open:
 * - The detector is replaced by frame-level CLIP similarity: the reference tiles the sampled frames
 *   into one image and runs YOLO-World / OWL-ViT once, a cell's score being its best box's
 *   confidence × object weight; the tiling only batches the detector. Its thresholds (0.6
 *   confirmation) are kept as parameters but are calibrated for a detector, not for a softmax.
 * - Confirmation reuses the frame's score (the reference re-runs the detector on the single frame).
 * - The spline is a smoothing spline with every visited frame a knot (FITPACK chooses fewer knots);
 *   both keep the residual within 0.5. With fewer than 3 visited frames P follows the scores.
 * - Every random draw is seeded from ctx.seed (the reference's numpy draws are not).
 * - Objects are embedded as written (no "a photo of a …" template).
 */
export const tstarSearch = frameSelectionMethod<Params>({
  id: 'tstar-search',
  name: 'T* temporal search',
  family: 'prompt-guided',
  paper: {
    title: 'Re-thinking Temporal Search for Long-Form Video Understanding',
    authors: 'Jinhui Ye, Zihan Wang, Haosen Sun, Keshigeyan Chandrasegaran, Zane Durante, Cristobal Eyzaguirre, Yonatan Bisk, Juan Carlos Niebles, Ehsan Adeli, Li Fei-Fei, Jiajun Wu, Manling Li',
    venue: 'CVPR 2025',
    url: 'https://arxiv.org/abs/2504.02259',
  },
  summary: 'Searches the video for the query: scores a few frames, resamples where the scores are high, and keeps the best frames.',
  params: {
    gridRows: { type: 'integer', default: 4, min: 1, max: 16, help: 'Rows of the frame grid scored per round (frames per round = rows × columns)' },
    gridCols: { type: 'integer', default: 4, min: 1, max: 16, help: 'Columns of the frame grid scored per round' },
    searchBudget: { type: 'number', default: 0.5, min: 0.01, max: 1, step: 0.01, help: 'Share of the frames the search may examine (at most 1000)' },
    confidenceThreshold: { type: 'number', default: 0.6, min: 0, max: 1, step: 0.01, help: 'Confidence at which a target counts as found (stops the search)' },
    neighbourWindow: { type: 'integer', default: 5, min: 0, max: 1000, help: 'Frames on each side that inherit a high score, decaying with distance' },
    finalSelection: { type: 'enum', default: 'sample', options: ['sample', 'topk'], help: "Keyframes drawn with probability ∝ score ('sample', as the reference) or the best by score" },
  },
  needs: { textQuery: 'frame' },
  budgetMode: 'exact',
  prompts: (query) => [...searchObjects(query).filter((o) => o.text !== query).map((o) => o.text), BACKGROUND],
  allocate(video, plan, params, ctx) {
    const { n, frames: T, tokens: want } = plan
    const search = runSearch(video, params, ctx)
    const K = Math.min(T, Math.ceil(want / n))
    const keyframes = pickKeyframes(search.score, K, params.finalSelection, ctx.seed).sort((a, b) => a - b)
    const tokens = splitEvenly(want, K, n)
    const perFrame = new Int32Array(T)
    keyframes.forEach((t, j) => (perFrame[t] = tokens[j]))
    return {
      perFrame,
      keyframes,
      derived: { framesExamined: search.examined, rounds: search.rounds, targetsFound: `${search.found}/${search.targets}`, keyframes: keyframes.length },
      notes: search.found < search.targets ? [`search budget spent before every target reached confidence ${params.confidenceThreshold}`] : [],
    }
  },
})

interface SearchObject {
  text: string
  weight: number
  target: boolean
}

/** The objects of a query: `targets | cues` (comma-separated) by hand, else the query itself as the one target. */
export function searchObjects(query: string): SearchObject[] {
  if (!query.includes('|')) return [{ text: query, weight: 1, target: true }]
  const [targets, cues] = query.split('|', 2).map((part) => part.split(',').map((s) => s.trim()).filter(Boolean))
  return [...targets.map((text) => ({ text, weight: 1, target: true })), ...cues.map((text) => ({ text, weight: 0.5, target: false }))]
}

/** Per frame [T]: max_o weight_o · p_o(f), and p_o(f) per target [targets][T]. */
function frameConfidence(video: VideoTokens, ctx: MethodContext): { score: Float64Array; targetConfidence: Float64Array[] } {
  const query = ctx.query!
  const objects = searchObjects(query.text)
  const embed = (text: string) => (text === query.text ? query.embedding : query.prompts?.[text])
  const texts = [...objects.map((o) => o.text), BACKGROUND]
  const embeddings = texts.map((t) => {
    const e = embed(t)
    if (!e) throw new Error(`tstar-search: the prompt '${t}' was not embedded (Method.prompts)`)
    return e
  })
  const T = video.frameEmbeds!.length
  const score = new Float64Array(T)
  const targetConfidence = objects.filter((o) => o.target).map(() => new Float64Array(T))
  for (let f = 0; f < T; f++) {
    const logits = embeddings.map((q) => 100 * cosineToQuery(video.frameEmbeds![f], q)[0])
    const max = Math.max(...logits)
    const e = logits.map((l) => Math.exp(l - max))
    const z = e.reduce((a, b) => a + b, 0)
    let ti = 0
    objects.forEach((o, i) => {
      const p = e[i] / z
      score[f] = Math.max(score[f], o.weight * p)
      if (o.target) targetConfidence[ti++][f] = p
    })
  }
  return { score, targetConfidence }
}

/** numpy.percentile (linear interpolation) of `values` at q ∈ [0, 100]. */
function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort()
  const pos = ((sorted.length - 1) * q) / 100
  const lo = Math.floor(pos)
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo)
}

/** `k` distinct indices drawn without replacement with probability ∝ weights (zero weights never). */
function drawWithoutReplacement(weights: ArrayLike<number>, k: number, rand: () => number): number[] {
  const w = Float64Array.from(weights)
  const out: number[] = []
  for (let m = 0; m < k; m++) {
    const total = w.reduce((a, b) => a + b, 0)
    if (!(total > 0)) break
    let u = rand() * total
    let i = 0
    while (i < w.length - 1 && (u -= w[i]) >= 0) i++
    while (w[i] === 0) i-- // rounding past the last positive weight
    out.push(i)
    w[i] = 0
  }
  return out
}

function runSearch(video: VideoTokens, params: Params, ctx: MethodContext) {
  const { score: confidence, targetConfidence } = frameConfidence(video, ctx)
  const T = confidence.length
  const g = Math.min(T, params.gridRows * params.gridCols)
  const rand = createRng(ctx.seed ^ 0x7a5)
  const score = new Float64Array(T).fill(1e-6)
  const unvisited = new Float64Array(T).fill(1)
  let P: Float64Array = new Float64Array(T).fill(0.3 * params.confidenceThreshold)
  const found = new Uint8Array(targetConfidence.length)
  let budget = Math.min(1000, Math.floor(T * params.searchBudget))
  let rounds = 0
  let examined = 0
  while (budget > 0 && found.some((f) => !f)) {
    let sampled: number[]
    if (rounds === 0) {
      const interval = Math.max(1, Math.floor(T / g))
      sampled = Array.from({ length: Math.ceil(T / interval) }, (_, i) => i * interval).slice(0, g)
    } else {
      let p = Float64Array.from(P, (v, i) => (v + g / T) * unvisited[i])
      const cut = percentile(p, 75)
      p = p.map((v) => (v >= cut ? v : 0))
      if (p.filter((v) => v > 0).length < g) p = Float64Array.from(P, (v) => v + g / T)
      sampled = drawWithoutReplacement(p, g, rand)
    }
    rounds++
    examined += sampled.length
    for (const f of sampled) {
      score[f] = confidence[f]
      unvisited[f] = 0
    }
    const high = percentile(sampled.map((f) => confidence[f]), 75)
    for (const f of sampled) {
      if (confidence[f] < high) continue
      for (let nb = Math.max(0, f - params.neighbourWindow); nb <= Math.min(T - 1, f + params.neighbourWindow); nb++) score[nb] = Math.max(score[nb], score[f] / (Math.abs(nb - f) + 1))
    }
    P = searchDistribution(score, unvisited)
    targetConfidence.forEach((c, o) => {
      if (sampled.some((f) => c[f] > params.confidenceThreshold)) found[o] = 1
    })
    budget -= g
  }
  return { score, rounds, examined, found: found.reduce((a, b) => a + b, 0), targets: found.length }
}

/** Step 3: sigmoid(max(1/T, spline of the visited frames' scores)), normalised. */
function searchDistribution(score: Float64Array, unvisited: Float64Array): Float64Array {
  const T = score.length
  const visited = Array.from({ length: T }, (_, i) => i).filter((i) => !unvisited[i])
  const fitted =
    visited.length >= 3
      ? (() => {
          const spline = smoothingSpline(visited, visited.map((i) => score[i]), 0.5)
          return Float64Array.from({ length: T }, (_, i) => spline.at(i))
        })()
      : score
  const p = Float64Array.from(fitted, (v) => 1 / (1 + Math.exp(-Math.max(1 / T, v))))
  const total = p.reduce((a, b) => a + b, 0)
  return p.map((v) => v / total)
}

function pickKeyframes(score: Float64Array, k: number, mode: string, seed: number): number[] {
  // Every score is > 0 (it starts at 1e-6), so k ≤ T draws always succeed.
  return mode === 'topk' ? Array.from(topK(score, k)) : drawWithoutReplacement(score, k, createRng(seed ^ 0x5eed))
}
