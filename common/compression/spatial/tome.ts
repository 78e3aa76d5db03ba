import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { topK } from '../../tensor/top-k'
import { meanMergeResult } from '../frame-ops'
import { applyMerges, initMerging, matchRound, matchScratch, mergeLabels } from './bipartite'

/**
 * ToMe on one frame: rounds of bipartite soft matching until `keep` tokens remain.
 * Each round removes r = min(n − keep, floor(n/2)) tokens (ToMe's `r = min(r, t // 2)`).
 * tokens [N, D] → labels [N] (root patch of each patch's final token) and the round count.
 */
export function tomeLabels(tokens: Float32Array, n: number, d: number, keep: number): { labels: Int32Array; rounds: number } {
  const m = initMerging(n)
  const scratch = matchScratch(n, d)
  let rounds = 0
  while (m.seq.length > Math.max(1, keep)) {
    const r = Math.min(m.seq.length - keep, m.seq.length >> 1)
    const na = matchRound(tokens, d, m, scratch)
    const edges = topK(scratch.nodeMax.subarray(0, na), na)
    applyMerges(m, scratch.nodeIdx, edges.subarray(0, r), edges.subarray(r))
    rounds++
  }
  return { labels: mergeLabels(m), rounds }
}

/**
 * tome: ToMe bipartite soft matching (Bolya et al.), as facebookresearch/ToMe tome/merge.py
 * bipartite_soft_matching + merge_wavg, applied to one frame's patch tokens.
 *
 * Shapes: tokens [N, D] → features [keep, D]: each output token is the mean of the patches merged
 * into it (merge_wavg's size-weighted average with size tracking); groups give, for every patch,
 * the token it ended in (ToMe's source tracking).
 * Per round: A = even, B = odd positions of the current sequence; each A token's best B partner by
 * cosine similarity; the r highest-scoring A tokens merge into their partners; the sequence becomes
 * [unmerged A in descending-score order, all B] as in merge.py (so the next round's split follows
 * ToMe's reordering). Rounds repeat with r = min(n − keep, floor(n/2)) until keep tokens remain,
 * so the per-frame budget is met exactly.
 * Choices: the similarity metric is the tokens themselves (ToMe uses the attention keys, which we do
 * not have); there is no class token to protect (patch tokens only); proportional attention does not
 * apply (no transformer layers follow); sort ties go to the lower index; zero vectors have cosine 0.
 * Output tokens are numbered in raster order of their first patch (the workbench’s order), not in
 * ToMe's internal sequence order.
 */
export const tome = spatialMethod<ParamValues>({
  id: 'tome',
  name: 'ToMe (bipartite soft matching)',
  family: 'spatial',
  paper: {
    title: 'Token Merging: Your ViT But Faster',
    authors: 'Daniel Bolya, Cheng-Yang Fu, Xiaoliang Dai, Peizhao Zhang, Christoph Feichtenhofer, Judy Hoffman',
    venue: 'ICLR 2023',
    url: 'https://arxiv.org/abs/2210.09461',
  },
  summary: 'Merges the most similar token pairs of each frame, round by round, until the budget is met.',
  params: {},
  needs: {},
  budgetMode: 'exact',
  frame(input, keep) {
    const n = input.grid.h * input.grid.w
    const { labels, rounds } = tomeLabels(input.tokens, n, input.dim, keep)
    return { ...meanMergeResult(input.tokens, input.dim, labels), derived: { rounds } }
  },
})
