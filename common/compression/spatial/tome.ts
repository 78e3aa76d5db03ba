import { spatialMethod } from '../define'
import type { ParamValues, Prepared } from '../types'
import { topK } from '../../tensor/top-k'
import { FrameMerging } from './bipartite'

/**
 * ToMe's budget-independent work on one frame: every round run in full (r = floor(t/2), the
 * rounds any budget runs before its last one) down to one token, recorded as one sequence of
 * merges: round by round, within a round in edge order (score descending, lower index on ties).
 * A budget of `keep` tokens runs its full rounds and then the r = t − keep best edges of its last
 * round, so it applies exactly the first n − keep merges of that sequence. Per root patch p:
 * `step[p]` is the position of the merge that ends p's token (n when it never ends), `into[p]` the
 * root patch of the token it merges into (-1 when none); `roundEnds[j]` the merges done after round
 * j + 1. tokens [N, D]; n = N.
 */
export function tomeRounds(tokens: Float32Array, n: number, d: number): { n: number; step: Int32Array; into: Int32Array; roundEnds: Int32Array } {
  const f = new FrameMerging(tokens, n, d)
  const step = new Int32Array(n).fill(n)
  const into = new Int32Array(n).fill(-1)
  const roundEnds: number[] = []
  let done = 0
  try {
    for (let scores = f.match(); scores; scores = f.match()) {
      const order = topK(scores.nodeMax, scores.nodeMax.length)
      const r = f.size >> 1
      const seq = f.m.seq
      for (let q = 0; q < r; q++) {
        const i = order[q]
        step[seq[2 * i]] = done++
        into[seq[2 * i]] = seq[2 * scores.nodeIdx[i] + 1]
      }
      roundEnds.push(done)
      f.merge(scores.nodeIdx, order.subarray(0, r), order.subarray(r))
    }
  } finally {
    f.release()
  }
  return { n, step, into, roundEnds: Int32Array.from(roundEnds) }
}

/**
 * ToMe on one frame from its merges (tomeRounds): rounds with r = min(t − keep, floor(t/2)) until
 * `keep` tokens remain (ToMe's `r = min(r, t // 2)`), i.e. the first n − keep merges; a patch's
 * label is the root of the token it is in after them, found by following `into` past those merges.
 * → labels [N] (root patch of each patch's final token) and the round count.
 */
export function tomeReplay(rounds: Prepared, keep: number): { labels: Int32Array; rounds: number } {
  const n = rounds.n as number
  const step = rounds.step as Int32Array
  const into = rounds.into as Int32Array
  const roundEnds = rounds.roundEnds as Int32Array
  const merges = Math.max(0, n - Math.max(1, keep))
  const labels = new Int32Array(n)
  for (let p = 0; p < n; p++) {
    let r = p
    while (step[r] < merges) r = into[r]
    labels[p] = r
  }
  let j = 0
  if (merges > 0) while (roundEnds[j] < merges) j++
  return { labels, rounds: merges > 0 ? j + 1 : 0 }
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
