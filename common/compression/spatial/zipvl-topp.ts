import { largestFitting } from '../calibrate'
import { spatialMethod } from '../define'
import { keepPatches } from '../frame-ops'
import { topK } from '../../tensor/top-k'
import { frameCount, patchCount } from '../../tokens'

export interface ZipVlParams {
  [key: string]: number | string
  p: number
  mode: 'fixed' | 'calibrate'
}

/** Slack on the cumulative share: float32 attention carries ~1e-7 relative error, so p = 1 (or a share met exactly) is reached despite rounding. */
const MASS_TOLERANCE = 1e-6

/** A frame's patches by importance, highest first (ties: lower index), with the cumulative share of the mass. */
function massCurve(importance: Float32Array): { order: Int32Array; cumulative: Float64Array } {
  const order = topK(importance, importance.length)
  const cumulative = new Float64Array(order.length)
  let total = 0
  for (let i = 0; i < importance.length; i++) total += importance[i]
  let run = 0
  order.forEach((i, r) => {
    run += importance[i]
    cumulative[r] = total > 0 ? run / total : (r + 1) / order.length
  })
  return { order, cumulative }
}

/** ZipVL's adaptive count: the fewest top patches whose share of the frame's mass reaches p (at least 1). */
function topPCount(cumulative: Float64Array, p: number): number {
  for (let r = 0; r < cumulative.length; r++) if (cumulative[r] >= p - MASS_TOLERANCE) return r + 1
  return cumulative.length
}

/** ZipVL's top-p on one frame's importance [N]: the kept patches, highest first. */
export function topPPatches(importance: Float32Array, p: number): Int32Array {
  const { order, cumulative } = massCurve(importance)
  return order.slice(0, topPCount(cumulative, p))
}

/** Bisection steps on p when calibrating (p is then known to ~1e-15). */
const CALIBRATION_STEPS = 50

/**
 * zipvl-topp: ZipVL's adaptive ratio (He et al., arXiv 2410.08584, §3: p = min{p : Σ_{j≤p} a_(j) ≥
 * τ·n}, the fewest tokens holding a share τ of the attention mass), per frame on vision-encoder
 * tokens. No public code was found (ThisisBillhe/ZipVL is not public; the sister repository
 * ZipCache uses fixed ratios), so this follows the paper's formula.
 *
 * Shapes: tokens [N, D], importance a [N] → features [k_t, D], kept patches unchanged, raster order.
 * Per frame: sort a descending (ties: lower index), k_t = the smallest k with Σ_{r<k} a_(r) ≥ p·Σa
 * (at least 1; 1e-6 slack for float32 rounding, so p = 1 keeps the whole mass), keep those k_t patches.
 * Choices and adaptations:
 * - The paper scores each token by the attention it receives from (probe) LLM queries, per layer,
 *   normalised by how many queries can see it; in a bidirectional ViT that normaliser is the same
 *   for every patch, and class attention is the single-query analogue. The mass is renormalised
 *   over the patches (the paper's τ·n is relative to the total mass).
 * - Real class attention is required: the count is a property of the attention's concentration,
 *   which a saliency proxy's softmax temperature sets arbitrarily (as prumerge refuses a proxy for
 *   its IQR rule).
 * - p = 0.9 is the project's default; the paper tunes τ per model and its values could not be read.
 * - Per-frame top-p (each frame reaches p of its own mass), as ZipVL decides per input.
 * - mode 'calibrate' (a project extension for budgeted comparisons, not in the paper): one p for the
 *   whole video, found by bisection as the largest with Σ_t k_t ≤ budget (every frame keeps at least
 *   one patch, so T tokens when the budget is below that); derived.p reports it.
 * Adaptive: derived.kept is the mean per-frame count, derived.p the mass share used.
 */
export const zipVlTopP = spatialMethod<ZipVlParams>({
  id: 'zipvl-topp',
  name: 'ZipVL adaptive ratio (top-p attention mass)',
  family: 'spatial',
  paper: {
    title: 'ZipVL: Efficient Large Vision-Language Models with Dynamic Token Sparsification',
    authors: 'Yefei He, Feng Chen, Jing Liu, Wenqi Shao, Hong Zhou, Kaipeng Zhang, Bohan Zhuang',
    venue: 'arXiv 2024',
    url: 'https://arxiv.org/abs/2410.08584',
  },
  summary: 'Keeps, in each frame, the fewest patches that hold a share p of the class-attention mass.',
  params: {
    p: { type: 'number', default: 0.9, min: 0.001, max: 1, step: 0.01, help: 'share of each frame’s attention mass to keep (project default; the paper tunes it per model)' },
    mode: {
      type: 'enum',
      default: 'fixed',
      options: ['fixed', 'calibrate'],
      help: "'fixed': the paper's rule with p; 'calibrate': one p for the video, the largest whose tokens fit the budget (project extension)",
    },
  },
  needs: { importance: 'required' },
  budgetMode: 'adaptive',
  frame(input, _keep, params) {
    const kept = topPPatches(input.importance!, params.p)
    return { ...keepPatches(input.tokens, input.dim, patchCount(input.grid), kept), derived: { kept: kept.length, p: params.p } }
  },
  jointFrames(video, plan, params) {
    if (params.mode !== 'calibrate') return undefined
    const curves = video.importance!.map(massCurve)
    const total = (p: number) => curves.reduce((s, c) => s + topPCount(c.cumulative, p), 0)
    const fits = (tokens: number) => tokens <= plan.tokens
    const lo = fits(total(1)) ? 1 : largestFitting(0, 1, CALIBRATION_STEPS, total, fits).x
    const frames = curves.map((c, t) => keepPatches(video.tokens[t], video.dim, plan.n, c.order.slice(0, topPCount(c.cumulative, lo))))
    const kept = frames.reduce((s, f) => s + f.features.length / video.dim, 0)
    return { frames, derived: { kept: kept / frameCount(video), p: lo } }
  },
})
