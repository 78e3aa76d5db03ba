import { spatialMethod } from '../define'
import { keepPatches } from '../frame-ops'
import { cosineToQuery } from '../../text-relevance'
import { l2NormalizeRows } from '../../tensor/vectors'
import { topK } from '../../tensor/top-k'

type Params = { relevanceSign: string; theta: number }

/**
 * cdpruner: CDPruner ("Beyond Attention or Similarity: Maximizing Conditional Diversity for Token
 * Pruning in MLLMs"), as in Theia-4869/CDPruner `encode_images`: a determinantal point process over
 * a frame's patches whose kernel is their similarity weighted by each patch's relevance to the
 * question, and its MAP set found greedily to the budget.
 *
 * Shapes: tokens X [N, D], patchEmbeds E [N, P] (the patches in CLIP's joint space), query q [P]
 * → the kept patches [k, D], unchanged, in raster order.
 * 1. S = X̂ X̂ᵀ with X̂ the L2-normalised rows of X.
 * 2. r_raw_i = sign · cos(E_i, q); r = (r_raw − min r_raw + 1e−6) / (max r_raw − min r_raw).
 * 3. L = diag(r) S diag(r).
 * 4. Fast greedy MAP (Chen, Zhang & Zhou 2018): d²_i = L_ii; for each pick j = argmax d² (first
 *    index on ties), e_i = (L_ji − Σ_s c_s,j c_s,i) / √d²_j, c ← e, d²_i −= e_i², d²_j = −∞.
 * 5. The picks, sorted by patch index; the rest is pruned.
 *
 * Choices, where the reference does differently or leaves it open:
 * - S is built on the vision tokens themselves: the reference builds it on the tokens after LLaVA's
 *   MLP projector, which TokenScope does not have (cosine is not invariant to the MLP).
 * - E: the last layer's patches through CLIP's post-LayerNorm and projection (the pull's graph edit,
 *   outputs.patchEmbeds); the reference projects LLaVA's selected layer (the penultimate).
 * - The minus sign (`relevanceSign` '−', the default) is the reference's for CLIP: the authors
 *   attribute it to CLIP's inverted patch–text similarity. For other text towers choose '+'.
 * - Normalisation over one frame: the reference normalises over all images of one call (one image
 *   for LLaVA-1.5, the crops of one image for LLaVA-NeXT); a sampled frame is one image.
 * - The question is one text segment: the reference splits questions longer than 77 ids into
 *   several and averages their relevance; TokenScope's text tower truncates at its context length.
 * - `theta` > 0 applies the reference's commented-out quality/diversity trade-off r ← exp(α r),
 *   α = θ / (2(1 − θ)); 0 (default) is the released code.
 * - When all relevances are equal (max = min) the reference divides by zero; here r = 1.
 * - When the kernel's rank is exhausted before k picks (max d² ≤ 1e−10, e.g. duplicate tokens) the
 *   reference divides by √0; here the remaining picks are the most relevant unpicked patches.
 */
export const cdPruner = spatialMethod<Params>({
  id: 'cdpruner',
  name: 'CDPruner (conditional DPP)',
  family: 'prompt-guided',
  paper: {
    title: 'Beyond Attention or Similarity: Maximizing Conditional Diversity for Token Pruning in MLLMs',
    authors: 'Qizhe Zhang, Mengzhen Liu, Lichen Li, Ming Lu, Yuan Zhang, Junwen Pan, Qi She, Shanghang Zhang',
    venue: 'NeurIPS 2025',
    url: 'https://arxiv.org/abs/2506.10967',
  },
  summary: 'Keeps a diverse set of query-relevant patches per frame: a DPP over patch similarity weighted by relevance to the query.',
  params: {
    relevanceSign: { type: 'enum', default: '-', options: ['-', '+'], help: "Sign of the patch–text cosine ('-' for CLIP, as the reference code)" },
    theta: { type: 'number', default: 0, min: 0, max: 0.99, step: 0.01, help: 'Relevance vs diversity: r ← exp(θ/(2(1−θ))·r); 0 = off (released code)' },
  },
  needs: { textQuery: 'patch' },
  budgetMode: 'exact',
  frame(input, keep, params, ctx) {
    const n = input.grid.h * input.grid.w
    const r = conditionalRelevance(cosineToQuery(input.patchEmbeds!, ctx.query!.embedding), params)
    return keepPatches(input.tokens, input.dim, n, greedyDppMap(l2NormalizeRows(input.tokens, input.dim), input.dim, r, keep).sort((a, b) => a - b))
  },
})

/** Steps 2 and the θ option: the min–max normalised, signed relevance [N]. */
export function conditionalRelevance(cos: Float32Array, params: Params): Float64Array {
  const sign = params.relevanceSign === '-' ? -1 : 1
  let lo = Infinity
  let hi = -Infinity
  for (const c of cos) {
    lo = Math.min(lo, sign * c)
    hi = Math.max(hi, sign * c)
  }
  const alpha = params.theta > 0 ? params.theta / (2 * (1 - params.theta)) : 0
  return Float64Array.from(cos, (c) => {
    const r = hi > lo ? (sign * c - lo + 1e-6) / (hi - lo) : 1
    return alpha ? Math.exp(alpha * r) : r
  })
}

/**
 * Fast greedy MAP inference of the DPP with kernel L_ij = r_i (x̂_i · x̂_j) r_j, x̂ [N, D] unit rows:
 * `k` picks in pick order (step 4 above).
 */
export function greedyDppMap(unit: Float32Array, d: number, r: Float64Array, k: number): number[] {
  const n = r.length
  const picks: number[] = []
  const d2 = Float64Array.from(r, (v) => v * v) // L_ii = r_i² (S_ii = 1)
  const c: Float64Array[] = []
  const taken = new Uint8Array(n)
  for (let t = 0; t < Math.min(k, n); t++) {
    let j = -1
    for (let i = 0; i < n; i++) if (!taken[i] && (j < 0 || d2[i] > d2[j])) j = i
    if (d2[j] <= 1e-10) break
    const e = new Float64Array(n)
    const norm = Math.sqrt(d2[j])
    for (let i = 0; i < n; i++) {
      if (taken[i] || i === j) continue
      let s = 0
      for (let q = 0; q < d; q++) s += unit[j * d + q] * unit[i * d + q]
      let v = r[j] * s * r[i]
      for (const cs of c) v -= cs[j] * cs[i]
      e[i] = v / norm
      d2[i] -= e[i] * e[i]
    }
    c.push(e)
    taken[j] = 1
    picks.push(j)
  }
  // Rank exhausted: the most relevant patches not picked yet.
  if (picks.length < k) for (const i of topK(r, n)) if (picks.length < k && !taken[i]) picks.push(i)
  return picks
}
