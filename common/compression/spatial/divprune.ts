import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { l2NormalizeRows } from '../../tensor/vectors'
import { keepPatches } from '../frame-ops'

/**
 * DivPrune's greedy max–min selection (the official DivPrune function) on one frame.
 * Distance = 1 − cosine. First pick: the token whose nearest other token is farthest (the code's
 * second-smallest entry of each distance column, the smallest being the token itself). Then
 * repeatedly the token whose minimum distance to the chosen set is largest; argmax takes the first
 * index on ties. tokens [N, D] → chosen patch indices [k], in selection order.
 *
 * Deviation: already chosen tokens are excluded from later picks; the code can re-pick one when
 * every remaining distance is 0 (exact duplicates), which would return fewer distinct tokens.
 * O(N²·D) for the distances, O(k·N) for the greedy part.
 */
export function divPruneSelect(tokens: Float32Array, n: number, d: number, k: number): Int32Array {
  const unit = l2NormalizeRows(tokens, d)
  const dist = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0
      for (let c = 0; c < d; c++) dot += unit[i * d + c] * unit[j * d + c]
      dist[i * n + j] = dist[j * n + i] = 1 - dot
    }
  }
  const chosen = new Int32Array(Math.min(k, n))
  const taken = new Uint8Array(n)
  // minDist[j]: distance from j to the chosen set; before the first pick, to j's nearest other token
  const minDist = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    let smallest = Infinity
    let second = Infinity
    for (let i = 0; i < n; i++) {
      const v = dist[i * n + j]
      if (v < smallest) {
        second = smallest
        smallest = v
      } else if (v < second) second = v
    }
    minDist[j] = n > 1 ? second : 0
  }
  for (let q = 0; q < chosen.length; q++) {
    let best = -1
    for (let j = 0; j < n; j++) if (!taken[j] && (best < 0 || minDist[j] > minDist[best])) best = j
    chosen[q] = best
    taken[best] = 1
    if (q === 0) for (let j = 0; j < n; j++) minDist[j] = dist[best * n + j]
    else for (let j = 0; j < n; j++) minDist[j] = Math.min(minDist[j], dist[best * n + j])
  }
  return chosen
}

/**
 * divprune: DivPrune (diversity-based visual token pruning), per frame.
 *
 * Shapes: tokens [N, D] → features [keep, D]: the chosen patches unchanged, in raster order.
 * Choices: cosine distance on the patch tokens (DivPrune uses the visual features fed to the LLM;
 * the cached patch tokens are the closest we have); selection exactly as divPruneSelect, including
 * its initialisation by the most isolated token; output in raster order rather than selection order.
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
  frame(input, keep) {
    const n = input.grid.h * input.grid.w
    return keepPatches(input.tokens, input.dim, n, divPruneSelect(input.tokens, n, input.dim, keep))
  },
})
