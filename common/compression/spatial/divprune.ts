import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { maxMinOrder } from '../../tensor/similarity'
import { prefixLabels } from '../frame-ops'

/**
 * DivPrune's greedy max–min selection (the official DivPrune function) on one frame, run to the
 * end: the keep set for any k is the first k of this order (the picks do not depend on k).
 * Distance = 1 − cosine (float32 cosines, tensor/similarity.ts). First pick: the token whose
 * nearest other token is farthest (the code's second-smallest entry of each distance column, the
 * smallest being the token itself). Then repeatedly the token whose minimum distance to the chosen
 * set is largest; argmax takes the first index on ties. tokens [N, D] → patch indices [N], in
 * selection order.
 *
 * Deviation: already chosen tokens are excluded from later picks; the code can re-pick one when
 * every remaining distance is 0 (exact duplicates), which would return fewer distinct tokens.
 * O(N²·D) for the distances, O(N²) for the greedy part (tensor/similarity.ts maxMinOrder).
 */
export const divPruneOrder = (tokens: Float32Array, n: number, d: number): Int32Array => (n ? maxMinOrder(tokens, d) : new Int32Array(0))

/** The first k tokens DivPrune picks (divPruneOrder), in selection order. */
export const divPruneSelect = (tokens: Float32Array, n: number, d: number, k: number): Int32Array =>
  divPruneOrder(tokens, n, d).slice(0, Math.min(k, n))

/**
 * divprune: DivPrune (diversity-based visual token pruning), per frame.
 *
 * Shapes: tokens [N, D] → features [keep, D]: the chosen patches unchanged, in raster order.
 * Choices: cosine distance on the patch tokens (DivPrune uses the visual features fed to the LLM;
 * the cached patch tokens are the closest we have); selection exactly as divPruneSelect, including
 * its initialisation by the most isolated token; output in raster order rather than selection order.
 * The order is prepared once per frame, so a budget change only takes a different prefix.
 */
export const divPrune = spatialMethod<ParamValues>({
  id: 'divprune',
  name: 'DivPrune (max–min diversity)',
  family: 'spatial',
  paper: {
    title: 'DivPrune: Diversity-based Visual Token Pruning for Large Multimodal Models',
    authors: 'Saeed Ranjbar Alvar, Gursimran Singh, Mohammad Akbari, Yong Zhang',
    venue: 'CVPR 2025',
    url: 'https://arxiv.org/abs/2503.02175',
  },
  summary: 'Keeps the most diverse patches of each frame (greedy max–min cosine distance).',
  params: {},
  needs: {},
  budgetMode: 'exact',
  prepare: (input) => ({ order: divPruneOrder(input.tokens, input.grid.h * input.grid.w, input.dim) }),
  groups: (prepared, keep) => ({ labels: prefixLabels(prepared.order as Int32Array, keep) }),
})
