import { frameSelectionMethod } from '../define'
import type { Allocation, MethodContext, VideoPlan } from '../types'
import type { VideoTokens } from '../../tokens'
import { frameRelevance } from '../../text-relevance'
import { topK } from '../../tensor/top-k'

type Params = { clipLength: number; peakSmoothing: number }

/** Clip lengths the adaptive rule chooses from (frames per clip). */
const CLIP_LENGTHS = [1, 2, 4, 8, 16]

/**
 * f2c-clips: From Frames to Clips (F2C, "Efficient Key Clip Selection for Long-Form Video
 * Understanding"): instead of K isolated keyframes, K short clips around query-relevant, mutually
 * distant anchor frames, their frames at a lower resolution so the token count stays that of the
 * K frames.
 *
 * Shapes: frameEmbeds e [T, P], query q [P] → per-frame token counts [T] (frame selection). Run
 * on its own, each clip frame keeps its count of evenly strided patches (a nearest-neighbour
 * lower-resolution grid); `f2c-clips+avg-pool` average-pools each frame instead.
 * 1. Relevance r_t = cos(e_t, q), optionally smoothed by a moving average of ±peakSmoothing frames.
 * 2. Candidates: the local maxima of r over time (r_t ≥ r_{t−1} and r_t > r_{t+1}; an end frame
 *    against its one neighbour).
 * 3. K = floor(B / N) frames' worth of tokens (at least 1, at most T). Anchors: K-means over the
 *    candidates' times (1-D, k = min(K, #candidates), centres initialised at the time quantiles,
 *    Lloyd's iterations to convergence), in each group its most relevant candidate; with fewer
 *    candidates than K the most relevant other frames fill up to K.
 * 4. Clip length L: `clipLength`, or (0 = adaptive) the largest L in {1, 2, 4, 8, 16} with K·L ≤ T
 *    for which every anchor's clip stays relevant: its mean r ≥ (r_anchor + median r) / 2. A
 *    sustained relevant event buys long clips, a brief one keeps them short.
 * 5. Clips: L frames centred on each anchor (shifted inward at the video's ends); overlapping clips
 *    share frames (when that leaves fewer than B / N frames, the most relevant other frames join).
 *    The budget is split evenly over the clips' frames (≤ N each; the most relevant frames take
 *    the remainder): about N/L tokens per frame, resolution traded for length.
 *
 * Open choices (no public code; the paper's text gives the outline, not these details): the
 * candidate rule (plain local maxima), the K-means features (time only) and initialisation, the
 * fill-up, the adaptive length rule of step 4, and the resolution: a lower-resolution frame here
 * is the cached token grid subsampled or pooled (a ViT run on a smaller image, as the paper does,
 * needs re-encoding). Exact budget; keyframes reported = the anchors.
 */
export const f2cClips = frameSelectionMethod<Params>({
  id: 'f2c-clips',
  name: 'F2C key clips',
  family: 'prompt-guided',
  paper: {
    title: 'From Frames to Clips: Efficient Key Clip Selection for Long-Form Video Understanding',
    authors: 'Guangyu Sun, Archit Singhal, Burak Uzkent, Mubarak Shah, Chen Chen, Garin Kessler',
    venue: 'arXiv 2025',
    url: 'https://arxiv.org/abs/2510.02262',
  },
  summary: 'Picks query-relevant, spread-out anchor frames and keeps a short clip around each at a lower resolution.',
  params: {
    clipLength: { type: 'integer', default: 0, min: 0, max: 16, help: 'Frames per clip (0 = adaptive: longer clips when the query matches few moments)' },
    peakSmoothing: { type: 'integer', default: 0, min: 0, max: 100, help: 'Moving-average half-width applied to the relevance before finding its peaks (0 = none)' },
  },
  needs: { textQuery: 'frame' },
  budgetMode: 'exact',
  allocate: (video, plan, params, ctx) => clips(video, plan, params, ctx),
})

function clips(video: VideoTokens, plan: VideoPlan, params: Params, ctx: MethodContext): Allocation {
  const { n, frames: T, tokens: want } = plan
  const r = smooth(frameRelevance(video, ctx.query!.embedding)!, params.peakSmoothing)
  const candidates = localMaxima(r)
  const K = Math.min(T, Math.max(1, Math.floor(want / n)))
  const anchors = chooseAnchors(r, candidates, K)
  const median = Float32Array.from(r).sort()[Math.floor((T - 1) / 2)]
  const clipOf = (a: number, L: number) => {
    const start = Math.max(0, Math.min(T - L, a - Math.floor((L - 1) / 2)))
    return Array.from({ length: Math.min(T, L) }, (_, i) => start + i)
  }
  const staysRelevant = (L: number) => anchors.every((a) => clipOf(a, L).reduce((s, t) => s + r[t], 0) / Math.min(T, L) >= (r[a] + median) / 2)
  const L = params.clipLength || CLIP_LENGTHS.filter((l) => l === 1 || (anchors.length * l <= T && staysRelevant(l))).at(-1)!
  const inClip = new Uint8Array(T)
  for (const a of anchors) for (const t of clipOf(a, L)) inClip[t] = 1
  // Overlapping clips can leave too few frames to hold the budget: the most relevant others join.
  let count = inClip.reduce((a, b) => a + b, 0)
  for (const t of topK(r, T)) if (count * n < want && !inClip[t]) [inClip[t], count] = [1, count + 1]
  const frames = Array.from({ length: T }, (_, t) => t).filter((t) => inClip[t])
  const perFrame = new Int32Array(T)
  const total = Math.min(want, frames.length * n)
  const base = Math.floor(total / frames.length)
  for (const t of frames) perFrame[t] = base
  const byRelevance = frames.slice().sort((a, b) => r[b] - r[a] || a - b)
  for (let i = 0; i < total - base * frames.length; i++) perFrame[byRelevance[i]]++
  return { perFrame, keyframes: anchors, derived: { clipLength: L, anchors: anchors.length, candidates: candidates.length, framesKept: frames.length }, notes: [] }
}

function smooth(r: Float32Array, half: number): Float32Array {
  if (!half) return r
  return Float32Array.from(r, (_, t) => {
    let s = 0
    let c = 0
    for (let u = Math.max(0, t - half); u <= Math.min(r.length - 1, t + half); u++, c++) s += r[u]
    return s / c
  })
}

/** Step 2: indices t with r_t ≥ r_{t−1} and r_t > r_{t+1} (missing neighbours ignored). */
export function localMaxima(r: ArrayLike<number>): number[] {
  const out: number[] = []
  for (let t = 0; t < r.length; t++) if ((t === 0 || r[t] >= r[t - 1]) && (t === r.length - 1 || r[t] > r[t + 1])) out.push(t)
  return out
}

/** Step 4: 1-D K-means of the candidates' times, the most relevant per group, topped up by relevance; ascending. */
export function chooseAnchors(r: ArrayLike<number>, candidates: number[], k: number): number[] {
  const groups = kMeans1d(candidates, Math.min(k, candidates.length))
  const anchors = new Set(groups.map((g) => g.reduce((best, t) => (r[t] > r[best] ? t : best))))
  for (const t of topK(r, r.length)) if (anchors.size < Math.min(k, r.length) && !anchors.has(t)) anchors.add(t)
  return [...anchors].sort((a, b) => a - b)
}

/** Lloyd's K-means on sorted 1-D values, centres initialised at the quantiles; groups of values (non-empty). */
function kMeans1d(values: number[], k: number): number[][] {
  if (k <= 0) return []
  const xs = values.slice().sort((a, b) => a - b)
  let centres = Array.from({ length: k }, (_, i) => xs[Math.floor(((i + 0.5) * xs.length) / k)])
  let assign: number[] = []
  for (let it = 0; it < 100; it++) {
    const next = xs.map((x) => centres.reduce((best, c, j) => (Math.abs(x - c) < Math.abs(x - centres[best]) ? j : best), 0))
    if (next.every((a, i) => a === assign[i])) break
    assign = next
    centres = centres.map((c, j) => {
      const members = xs.filter((_, i) => assign[i] === j)
      return members.length ? members.reduce((a, b) => a + b, 0) / members.length : c
    })
  }
  return centres.map((_, j) => xs.filter((_, i) => assign[i] === j)).filter((g) => g.length)
}
