import { spatialMethod } from '../define'
import { topK } from '../../tensor/top-k'
import { l2NormalizeRows } from '../../tensor/vectors'
import { labelledResult } from '../frame-ops'
import type { FrameInput, FrameResult, Paper } from '../types'

export interface PruMergeParams {
  [key: string]: number | boolean
  adaptive: boolean
  neighbours: number
  plus: boolean
  extraToken: boolean
}

/** numpy.percentile with its default linear interpolation. values [N], q in [0, 100]. */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort()
  const pos = (q / 100) * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo])
}

/**
 * PruMerge's outlier_dectection + topk: the share of patches above Q3 + 1.5·IQR is `ratio`, and the
 * code keeps topk(attn, int(N·ratio)) — reproduced in float64, so N·(c/N) can truncate to c − 1
 * exactly as in Python. [N] → { kept [count], highest first; ratio = c/N }.
 */
export function iqrOutliers(attn: ArrayLike<number>): { kept: Int32Array; ratio: number } {
  const q1 = percentile(attn, 25)
  const q3 = percentile(attn, 75)
  const bound = q3 + 1.5 * (q3 - q1)
  let count = 0
  for (let i = 0; i < attn.length; i++) if (attn[i] > bound) count++
  const ratio = count / attn.length
  return { kept: topK(attn, Math.trunc(attn.length * ratio)), ratio }
}

/**
 * PruMerge+'s spatial supplement (token_prune_merge_advanced_plus, inference branch): patches
 * 0, s, 2s, … below N − 1 (the code's arange(0, 575, s) for N = 576) not kept yet, with
 * s = int(int(1/ratio) / 3), ratio = outlier share. Guards where the code would fail: s ≥ 1, and
 * ratio 0 adds only patch 0 (the limit of an infinite step).
 */
export function plusSupplement(n: number, kept: ArrayLike<number>, ratio: number): number[] {
  const inKept = new Set(Array.from(kept))
  const step = ratio > 0 ? Math.max(1, Math.trunc(Math.trunc(1 / ratio) / 3)) : n
  const out: number[] = []
  for (let i = 0; i < n - 1; i += step) if (!inKept.has(i)) out.push(i)
  return out
}

/** The PruMerge paper; PruMerge+ is its second version's variant. */
export const pruMergePaper: Paper = {
  title: 'LLaVA-PruMerge: Adaptive Token Reduction for Efficient Large Multimodal Models',
  authors: 'Yuzhang Shang, Mu Cai, Bingxin Xu, Yong Jae Lee, Yan Yan',
  venue: 'arXiv 2024',
  url: 'https://arxiv.org/abs/2403.15388',
}

/**
 * prumerge: LLaVA-PruMerge (42Shawn/LLaVA-PruMerge, clip_encoder token_prune_merge_advanced), per frame.
 *
 * Shapes: tokens [N, D], importance a [N] → features [c (+1), D].
 * 1. Keep set: adaptive (default) = the class-attention outliers above Q3 + 1.5·IQR (numpy
 *    percentiles, linear interpolation), c of them; non-adaptive = the top keep − 1 by attention.
 *    PruMerge+ (`plus`) adds spatially uniform patches (plusSupplement; its inference formula is
 *    used in both modes, with ratio = kept/N when not adaptive).
 * 2. Merge: each kept token i absorbs its k nearest other tokens (k = 32 in the code, cosine on the
 *    tokens here, on the last layer's keys there; candidates are all other tokens, kept or not;
 *    k is capped at N − 1):
 *    y_i = x_i + Σ_j a_j·x_j, unnormalised exactly as in the code (the division by Σ a_j is
 *    commented out there).
 * 3. The code appends one extra token Σ_{j pruned} a_j·x_j; every pruned patch is grouped into it.
 * Choices: a TokenMap gives each patch one group, so the many-to-many kNN absorption shows only in
 * the features: pruned patches map to the extra token (or to −1 with extraToken off). When nothing
 * is pruned no extra token is emitted. Attention is the cached importance (sums to 1 over patches;
 * PruMerge's softmax also covers the class token). Real class attention is required: the IQR rule
 * assumes its heavy-tailed distribution, which a saliency proxy does not have. Ties go to the lower
 * patch index. Adaptive: the budget is ignored and the count used is reported.
 */
export const pruMerge = spatialMethod<PruMergeParams>({
  id: 'prumerge',
  name: 'LLaVA-PruMerge',
  family: 'spatial',
  paper: pruMergePaper,
  summary: 'Keeps the patches whose class attention is an outlier, each absorbing its nearest neighbours.',
  params: {
    adaptive: { type: 'boolean', default: true, help: 'IQR outliers decide the count; off: top (budget − 1) by attention plus the extra token' },
    neighbours: { type: 'integer', default: 32, min: 1, max: 1024, help: 'nearest neighbours each kept token absorbs (code: 32)' },
    plus: { type: 'boolean', default: false, help: 'PruMerge+: add spatially uniform patches to the kept set' },
    extraToken: { type: 'boolean', default: true, help: 'append the attention-weighted sum of pruned patches as one token (as the code does)' },
  },
  needs: { importance: 'required' },
  budgetMode: 'adaptive',
  frame: pruMergeFrame,
})

/**
 * One frame of PruMerge (plus = PruMerge+): the kept set, the kNN absorption and the extra token,
 * as described on `pruMerge`. tokens [N, D], importance [N] → features [c (+1), D].
 */
export function pruMergeFrame(input: FrameInput, keep: number, params: PruMergeParams): FrameResult {
  const n = input.grid.h * input.grid.w
  const d = input.dim
  const x = input.tokens
  const a = input.importance!
  const outliers = params.adaptive ? iqrOutliers(a) : undefined
  const kept = Array.from(outliers ? outliers.kept : topK(a, params.extraToken && keep < n ? keep - 1 : keep))
  if (params.plus) kept.push(...plusSupplement(n, kept, outliers ? outliers.ratio : kept.length / n))
  const extra = n // label of the extra token
  const labels = new Int32Array(n).fill(params.extraToken ? extra : -1)
  for (const i of kept) labels[i] = i
  const unit = l2NormalizeRows(x, d)
  const k = Math.min(params.neighbours, n - 1)
  const sims = new Float64Array(n)
  return {
    ...labelledResult(labels, d, (label, out, off) => {
      if (label === extra) {
        for (let j = 0; j < n; j++) if (labels[j] === extra) for (let c = 0; c < d; c++) out[off + c] += a[j] * x[j * d + c]
        return
      }
      for (let j = 0; j < n; j++) {
        let dot = 0
        for (let c = 0; c < d; c++) dot += unit[label * d + c] * unit[j * d + c]
        sims[j] = j === label ? -Infinity : dot
      }
      for (let c = 0; c < d; c++) out[off + c] = x[label * d + c]
      for (const j of topK(sims, k)) for (let c = 0; c < d; c++) out[off + c] += a[j] * x[j * d + c]
    }),
    derived: { kept: kept.length },
  }
}
