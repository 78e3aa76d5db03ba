import { spatialMethod } from '../define'
import type { ParamValues, Prepared } from '../types'
import { topK } from '../../tensor/top-k'
import { applyMerges, FrameMerging, initMerging, mergeLabels } from './bipartite'

/**
 * ToMe's budget-independent work on one frame: every round run in full (r = floor(t/2), the
 * rounds any budget runs before its last one) down to one token. Round j's A tokens are at
 * [offsets[j], offsets[j+1]) of `partner` (each A token's best B, an index into B) and `edges`
 * (A indices by score, highest first, lower index on ties). tokens [N, D]; n = N.
 */
export function tomeRounds(tokens: Float32Array, n: number, d: number): { n: number; partner: Int32Array; edges: Int32Array; offsets: Int32Array } {
  const f = new FrameMerging(tokens, n, d)
  const partner: Int32Array[] = []
  const edges: Int32Array[] = []
  try {
    for (let scores = f.match(); scores; scores = f.match()) {
      const order = topK(scores.nodeMax, scores.nodeMax.length)
      const r = f.size >> 1
      partner.push(scores.nodeIdx)
      edges.push(order)
      f.merge(scores.nodeIdx, order.subarray(0, r), order.subarray(r))
    }
  } finally {
    f.release()
  }
  const offsets = new Int32Array(partner.length + 1)
  partner.forEach((p, j) => (offsets[j + 1] = offsets[j] + p.length))
  const flat = (parts: Int32Array[]) => {
    const out = new Int32Array(offsets[partner.length])
    parts.forEach((p, j) => out.set(p, offsets[j]))
    return out
  }
  return { n, partner: flat(partner), edges: flat(edges), offsets }
}

/**
 * ToMe on one frame from its rounds (tomeRounds): rounds with r = min(t − keep, floor(t/2)) until
 * `keep` tokens remain (ToMe's `r = min(r, t // 2)`); every round but the last is a full one, so
 * each is the prepared round, and the last merges its r best edges.
 * → labels [N] (root patch of each patch's final token) and the round count.
 */
export function tomeReplay(rounds: Prepared, keep: number): { labels: Int32Array; rounds: number } {
  const n = rounds.n as number
  const partner = rounds.partner as Int32Array
  const edges = rounds.edges as Int32Array
  const offsets = rounds.offsets as Int32Array
  const m = initMerging(n)
  let j = 0
  while (m.seq.length > Math.max(1, keep)) {
    const r = Math.min(m.seq.length - keep, m.seq.length >> 1)
    const order = edges.subarray(offsets[j], offsets[j + 1])
    applyMerges(m, partner.subarray(offsets[j], offsets[j + 1]), order.subarray(0, r), order.subarray(r))
    j++
  }
  return { labels: mergeLabels(m), rounds: j }
}

/** ToMe on one frame until `keep` tokens remain: tokens [N, D] → labels [N] and the round count. */
export const tomeLabels = (tokens: Float32Array, n: number, d: number, keep: number): { labels: Int32Array; rounds: number } =>
  tomeReplay(tomeRounds(tokens, n, d), keep)

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
  prepare: (input) => tomeRounds(input.tokens, input.grid.h * input.grid.w, input.dim),
  groups(prepared, keep) {
    const { labels, rounds } = tomeReplay(prepared, keep)
    return { labels, derived: { rounds } }
  },
})
