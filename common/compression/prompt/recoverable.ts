import { spatialMethod } from '../define'
import { labelledResult } from '../frame-ops'
import { cosineToQuery } from '../../text-relevance'
import { topK } from '../../tensor/top-k'
import { l2NormalizeRows } from '../../tensor/vectors'
import { outlierRatio } from './local-outlier-factor'

type Params = { visualNeighbours: number; textNeighbours: number; recoverNeighbours: number; clusterSize: number; textWeight: number }

/**
 * recoverable: Recoverable Compression ("A Multimodal Vision Token Recovery Mechanism Guided by
 * Text Information"), as banjiuyufen/Recoverable-Compression's
 * `token_recycling_with_text_in_vision_and_clustring` (the variant its encoder calls), per frame.
 *
 * Shapes: tokens x [N, D], class attention a [N], patchEmbeds E [N, P], query q [P] → an adaptive
 * number of tokens [M, D]. ρ(v; k) = the share of LOF outliers in v (local-outlier-factor.ts).
 * 1. Visual filter: V = the floor(N·ρ(a; 20)) patches of highest attention.
 * 2. Text recovery: sim_j = cos(E_j, q) / √P; sim on V is set to min(sim) (already kept);
 *    T = the floor((N − |V|)·ρ(sim; 20)) patches of highest sim. Keep = V ∪ T, unchanged.
 * 3. Secondary recovery on the rest R: centres = the floor(|R|·ρ(a_R; 10)) patches of R with the
 *    highest attention; for each centre i, score_j = cos(x_i, x_j) + 50·sim_j over j ∈ R \ {i},
 *    cluster(i) = its 32 best j, token_i = x_i + Σ_{j ∈ cluster(i)} a_j x_j (not normalised;
 *    clusters may overlap and use the original x_j).
 * 4. Extra token: e = Σ_{j ∈ R \ centres} a_j x_j (when there are centres and R \ centres is not
 *    empty).
 * Every patch is kept, a centre, or merged into a cluster or the extra token, except when step 3
 * finds no centre: then the reference outputs Keep only and R is dropped.
 *
 * Choices, where the reference does differently or leaves it open:
 * - a: the model's head-averaged last-layer class attention renormalised over the patches (the
 *   manifest's importance; a saliency proxy is accepted and reported); the reference computes a
 *   single-head softmax(q_cls·kᵀ/√C) from the last layer's q/k projections, not renormalised.
 * - Key similarity in step 3 on the patch tokens: the reference uses the last layer's k_proj outputs.
 * - E through CLIP's post-LayerNorm and projection (outputs.patchEmbeds); the reference projects
 *   the last hidden state without the post-LayerNorm. q is the text tower's pooled embedding; the
 *   reference takes the last padded position of the text model's hidden states.
 * - x: the model's patch tokens (last layer); the reference feeds LLaVA's penultimate-layer ones.
 * - Step 3's number of centres uses |R| as the paper describes; the code multiplies ρ by the
 *   channel count C instead (`index.shape[-1]`), which reads as a bug.
 * - Order: output tokens follow the framework's raster order of their first patch (the reference
 *   emits Keep, then centres by attention, then e).
 * - The token map gives each patch one token: a patch in several clusters goes to the first
 *   centre (by attention) whose cluster holds it, a patch in no cluster to the extra token; if
 *   that leaves the extra token without a patch, it is shown on the lowest-attention patch of
 *   R \ centres (whose mass is also in a cluster). The features are the reference's sums.
 * - Ties in every top-k: the lower patch index first.
 * budgetMode 'adaptive': the LOF ratios decide the count; derived reports ρ_v, ρ_t, ρ_r.
 */
export const recoverable = spatialMethod<Params>({
  id: 'recoverable',
  name: 'Recoverable Compression (text-guided recovery)',
  family: 'prompt-guided',
  paper: {
    title: 'Recoverable Compression: A Multimodal Vision Token Recovery Mechanism Guided by Text Information',
    authors: 'Yi Chen, Jian Xu, Xu-Yao Zhang, Wen-Zhuo Liu, Yang-Yang Liu, Cheng-Lin Liu',
    venue: 'AAAI 2025',
    url: 'https://arxiv.org/abs/2409.01179',
  },
  summary: 'Keeps the attention outliers and the query-relevant patches, then merges the rest into attention-led clusters.',
  params: {
    visualNeighbours: { type: 'integer', default: 20, min: 1, max: 1000, help: 'LOF neighbours for the visual filter' },
    textNeighbours: { type: 'integer', default: 20, min: 1, max: 1000, help: 'LOF neighbours for the text recovery' },
    recoverNeighbours: { type: 'integer', default: 10, min: 1, max: 1000, help: 'LOF neighbours for the cluster centres' },
    clusterSize: { type: 'integer', default: 32, min: 1, max: 10000, help: 'Patches merged into each centre' },
    textWeight: { type: 'number', default: 50, min: 0, max: 1000, step: 1, help: 'Weight of text similarity against key similarity when clustering' },
  },
  needs: { importance: 'proxy-ok', textQuery: 'patch' },
  budgetMode: 'adaptive',
  frame(input, _keep, params, ctx) {
    const n = input.grid.h * input.grid.w
    const d = input.dim
    const a = input.importance!
    const x = input.tokens
    const p = input.embedDim!
    const sim = Float64Array.from(cosineToQuery(input.patchEmbeds!, ctx.query!.embedding), (c) => c / Math.sqrt(p))

    const rhoV = outlierRatio(a, params.visualNeighbours)
    const visual = topK(a, Math.floor(n * rhoV))
    const kept = new Uint8Array(n)
    for (const i of visual) kept[i] = 1
    const simMin = Math.min(...sim)
    const recoverSim = Float64Array.from(sim, (s, i) => (kept[i] ? simMin : s))
    const rhoT = outlierRatio(recoverSim, params.textNeighbours)
    for (const i of topK(recoverSim, Math.floor((n - visual.length) * rhoT))) kept[i] = 1

    const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !kept[i])
    const restAttention = rest.map((i) => a[i])
    const rhoR = outlierRatio(restAttention, params.recoverNeighbours)
    const centres = Array.from(topK(restAttention, Math.floor(rest.length * rhoR)), (r) => rest[r])
    const isCentre = new Uint8Array(n)
    for (const i of centres) isCentre[i] = 1

    // Labels: a kept patch is its own token (label = its index); centres and the extra token after.
    const labels = Int32Array.from({ length: n }, (_, i) => (kept[i] ? i : -1))
    const features = new Map<number, Float32Array>()
    for (let i = 0; i < n; i++) if (kept[i]) features.set(i, x.subarray(i * d, (i + 1) * d))
    const unit = l2NormalizeRows(x, d)
    centres.forEach((c, m) => {
      const label = n + m
      labels[c] = label
      const others = rest.filter((j) => j !== c)
      const score = others.map((j) => {
        let s = 0
        for (let q = 0; q < d; q++) s += unit[c * d + q] * unit[j * d + q]
        return s + params.textWeight * sim[j]
      })
      const f = Float32Array.from(x.subarray(c * d, (c + 1) * d))
      for (const r of topK(score, params.clusterSize)) {
        const j = others[r]
        for (let q = 0; q < d; q++) f[q] += a[j] * x[j * d + q]
        if (labels[j] < 0) labels[j] = label
      }
      features.set(label, f)
    })
    const extraMembers = rest.filter((j) => !isCentre[j])
    if (centres.length && extraMembers.length) {
      const label = n + centres.length
      const e = new Float32Array(d)
      for (const j of extraMembers) for (let q = 0; q < d; q++) e[q] += a[j] * x[j * d + q]
      features.set(label, e)
      let shown = false
      for (const j of extraMembers)
        if (labels[j] < 0) {
          labels[j] = label
          shown = true
        }
      if (!shown) labels[extraMembers.reduce((lo, j) => (a[j] < a[lo] ? j : lo))] = label
    } else {
      // No centres (or nothing besides them): the reference outputs Keep (and the centres) only.
      for (const j of extraMembers) labels[j] = -1
    }
    const result = labelledResult(labels, d, (label, out, offset) => out.set(features.get(label)!, offset))
    return { ...result, derived: { visualRatio: rhoV, textRatio: rhoT, recoverRatio: rhoR, centres: centres.length } }
  },
})
