import { topK } from '../../tensor/top-k'
import { dot, l2NormalizeRows } from '../../tensor/vectors'
import { splitEvenly } from '../allocation'
import { frameSelectionMethod } from '../define'
import type { Allocation, MethodContext, VideoPlan } from '../types'
import { globalFeatureParam, globalFeatures, packRows, unpackRows } from './global-features'

type Params = { maxFrames: number; duplicateThreshold: number; globalFeature: string }

/**
 * B-VLLM, training-free approximation. B-VLLM learns a text-conditioned frame selector (a Q-Former
 * with 16 temporal queries reading the question and the frames' class tokens, gumbel-softmax
 * selection), merges the tokens of near-duplicate selected frames, then samples spatial tokens to
 * fit the LLM's context. Without its trained modules we score frames directly:
 * - with a query (ctx.query): relevance r_t = cos(e_t, q) of the frame's embedding in the model's
 *   joint image–text space (VideoTokens.frameEmbeds: CLIP image_embeds, SigLIP pooler_output) with
 *   the query's text embedding. (Not the class token: it is not in the text space.) The top K are
 *   selected: hard selection is the noise-free, τ → 0 limit of the reference's gumbel-softmax.
 *   Duplicates are checked in selector order (by relevance), as the reference's lower-triangular
 *   matching does: a selected frame whose joint embedding has cosine ≥ duplicateThreshold with an
 *   earlier kept one merges into the most similar of those. (The reference compares the selectors'
 *   soft one-hot rows with (cos + 1)/2 > 0.75; on hard selections that only merges identical picks,
 *   so the frames themselves are compared; CLIP image embeddings of one video have cosines well
 *   above 0.5, hence the threshold stays a parameter.)
 * - without one: novelty 1 − g_t·g_{t−1} of the normalised global feature (frame 0 counts as most
 *   novel); a frame whose similarity to the last kept frame (time order) is ≥ duplicateThreshold
 *   merges into it.
 * K = min(T, max(maxFrames, ceil(B/N))) (the reference has 16 temporal queries; default 32 here,
 * open choice). If the kept frames cannot hold the budget, frames are added back best-ranked first
 * (merged duplicates included, which are then un-merged). The budget is split evenly over the kept
 * frames (time order, ≤ N each): exact. Output in time order (the reference keeps selector order).
 * Standalone `run`: each kept frame keeps its tokens by uniform stride (the reference merges its
 * Q-Former outputs by ToMe; compose with `+tome` for that); at each kept position the frames
 * merged into it contribute the same position (the token is their mean: Allocation's mergedInto).
 * In a composition only the allocation is used (merged frames get 0 tokens). derived.ranking says
 * whether the frames were ranked by the query or by novelty.
 */
export const bVllmSelect = frameSelectionMethod<Params>({
  id: 'b-vllm-select',
  name: 'B-VLLM frame selection (training-free)',
  family: 'frame-selection',
  paper: {
    title: 'B-VLLM: A Vision Large Language Model with Balanced Spatio-Temporal Tokens',
    authors: 'Zhuqiang Lu, Zhenfei Yin, Mengwei He, Zhihui Wang, Zicheng Liu, Zhiyong Wang, Kun Hu',
    venue: 'ICCV 2025',
    url: 'https://arxiv.org/abs/2412.09919',
  },
  summary: 'Keeps the frames most relevant to the query (or the most novel) and merges near-duplicates.',
  params: {
    maxFrames: { type: 'integer', default: 32, min: 1, max: 100000, help: 'Frames selected before de-duplication (more if the budget needs them)' },
    duplicateThreshold: { type: 'number', default: 0.95, min: -1, max: 1, step: 0.01, help: 'Cosine similarity to the last kept frame at which a selected frame merges into it' },
    globalFeature: globalFeatureParam,
  },
  needs: { textQuery: 'frame', queryOptional: true },
  budgetMode: 'exact',
  prepare: (video, params, ctx) => ({
    g: packRows(ctx.query ? video.frameEmbeds!.map((e) => l2NormalizeRows(e, e.length)) : globalFeatures(video, params.globalFeature)),
  }),
  allocate: (_video, plan, params, ctx, prepared) => select(unpackRows(prepared!.g as Float32Array, plan.frames), plan, params, ctx),
})

/** The allocation from the frames' features g [T] × [·] (prepared: the query-space embeddings with a query, else the global features). */
function select(g: Float32Array[], plan: VideoPlan, params: Params, ctx: MethodContext): Allocation {
  const { n, frames: T, tokens: want } = plan
  const q = ctx.query?.embedding
  const similarity = (a: Float32Array, b: Float32Array) => dot(a, 0, b, 0, a.length)
  const score = Float64Array.from(g, (gt, t) => (q ? similarity(gt, q) : t === 0 ? 2 : 1 - similarity(gt, g[t - 1])))
  const ranking = topK(score, T)
  const K = Math.min(T, Math.max(params.maxFrames, Math.ceil(want / n)))
  const mergedInto = new Int32Array(T).fill(-1)
  const kept: number[] = []
  if (q) {
    // Selector order: each selected frame against every frame kept before it.
    for (const t of ranking.subarray(0, K)) {
      let best = -1
      let bestSim = params.duplicateThreshold
      for (const k of kept) {
        const s = similarity(g[t], g[k])
        if (s >= bestSim) [best, bestSim] = [k, s]
      }
      if (best >= 0) mergedInto[t] = best
      else kept.push(t)
    }
  } else {
    for (const t of Array.from(ranking.subarray(0, K)).sort((a, b) => a - b)) {
      const last = kept[kept.length - 1]
      if (last !== undefined && similarity(g[t], g[last]) >= params.duplicateThreshold) mergedInto[t] = last
      else kept.push(t)
    }
  }
  // Too few frames for the budget: un-merge duplicates and add unselected frames, best-ranked first.
  const isKept = new Uint8Array(T)
  for (const t of kept) isKept[t] = 1
  for (let r = 0; kept.length * n < want && r < T; r++) {
    const t = ranking[r]
    if (isKept[t]) continue
    isKept[t] = 1
    mergedInto[t] = -1
    kept.push(t)
  }
  kept.sort((a, b) => a - b)
  const tokens = splitEvenly(want, kept.length, n)
  const perFrame = new Int32Array(T)
  kept.forEach((t, j) => (perFrame[t] = tokens[j]))
  const derived = { selected: K, kept: kept.length, mergedDuplicates: mergedInto.filter((c) => c >= 0).length, ranking: q ? 'query' : 'novelty' }
  return { perFrame, mergedInto, derived, notes: [] }
}
