import { spatialMethod } from '../define'
import { MethodInputError } from '../types'
import { applyMerges, FrameMerging, initMerging, matchRound, type Merging, mergeLabels } from './bipartite'
import { meanMergeResult } from '../frame-ops'

export interface DtomeParams {
  [key: string]: number | string
  mode: 'calibrate' | 'fixed'
  rounds: number
  threshold: number
}

/**
 * DToMe on one frame with a fixed threshold per round (DyMU inference): every A token whose best
 * cosine to B is strictly above the round's threshold merges into its partner; the sequence becomes
 * [unmerged A in A order, B] (DyMU's batch-level merge keeps A order). Stops early once a round
 * merges nothing (later rounds would see the same tokens). tokens [N, D] → labels [N].
 */
export function thresholdMergeLabels(tokens: Float32Array, n: number, d: number, thresholds: ArrayLike<number>): Int32Array {
  const f = new FrameMerging(tokens, n, d)
  try {
    for (let l = 0; l < thresholds.length; l++) {
      const s = f.match()
      if (!s) break
      const src: number[] = []
      const unm: number[] = []
      s.nodeMax.forEach((v, i) => (v > thresholds[l] ? src : unm).push(i))
      if (!src.length) break
      f.merge(s.nodeIdx, src, unm)
    }
    return f.labels()
  } finally {
    f.release()
  }
}

/**
 * DyMU's threshold finding with the frames as the batch (batch_level_bipartite_soft_matching with
 * update_threshold): each round ranks the A-token scores of all frames together and merges the
 * round's quota R_l best over the whole batch, so simple frames lose more tokens than complex ones.
 * The round's threshold is the highest unmerged score (DyMU: node_max at rank R_l, clamped ≥ 0).
 * Schedule: R_l = ceil(remaining / rounds left) (DyMU's constant r per layer), capped by the batch's
 * A tokens; rounds continue past `rounds` while that cap leaves removals to do.
 * frames: T × tokens [N, D] → labels per frame [N], thresholds per round.
 */
export function calibrateMerges(
  frames: Float32Array[],
  n: number,
  d: number,
  want: number,
  rounds: number,
): { labels: Int32Array[]; thresholds: number[] } {
  const T = frames.length
  const half = Math.ceil(n / 2)
  const merging: Merging[] = frames.map(() => initMerging(n))
  // flat [T × half] per-frame A-token scores and partners; key t*half + i
  const nodeMax = new Float64Array(T * half)
  const nodeIdx = new Int32Array(T * half)
  const chosen = new Uint8Array(T * half)
  const na = new Int32Array(T)
  const thresholds: number[] = []
  let remaining = T * n - want
  for (let l = 0; remaining > 0; l++) {
    let capacity = 0
    for (let t = 0; t < T; t++) {
      const s = matchRound(frames[t], d, merging[t])
      na[t] = s ? s.nodeMax.length : 0
      if (s) {
        nodeMax.set(s.nodeMax, t * half)
        nodeIdx.set(s.nodeIdx, t * half)
      }
      capacity += na[t]
    }
    if (capacity === 0) break
    const quota = Math.min(capacity, Math.ceil(remaining / Math.max(1, rounds - l)))
    // every A token of every frame ranked by score; ties by frame, then A index
    const edges = new Int32Array(capacity)
    let e = 0
    for (let t = 0; t < T; t++) for (let i = 0; i < na[t]; i++) edges[e++] = t * half + i
    edges.sort((a, b) => nodeMax[b] - nodeMax[a] || a - b)
    thresholds.push(Math.max(0, nodeMax[edges[Math.min(quota, capacity - 1)]]))
    chosen.fill(0)
    for (let q = 0; q < quota; q++) chosen[edges[q]] = 1
    for (let t = 0; t < T; t++) {
      const src: number[] = []
      const unm: number[] = []
      for (let i = 0; i < na[t]; i++) (chosen[t * half + i] ? src : unm).push(i)
      if (src.length) applyMerges(merging[t], nodeIdx.subarray(t * half, (t + 1) * half), src, unm)
    }
    remaining -= quota
  }
  return { labels: merging.map(mergeLabels), thresholds }
}

const thresholdReport = (thresholds: number[]): Record<string, number> => ({
  rounds: thresholds.length,
  ...Object.fromEntries(thresholds.map((v, l) => [`threshold${l + 1}`, Number(v.toFixed(4))])),
})

/**
 * dtome: DyMU's Dynamic Token Merging (DToMe) on patch tokens.
 *
 * Shapes: tokens [N, D] per frame → a variable number of tokens per frame, each the mean of the
 * patches merged into it (merge_wavg with size tracking).
 * Merging is ToMe's bipartite matching (A = even, B = odd positions, cosine on the tokens
 * themselves since we have no attention keys), but a round merges every A token whose best score
 * is above that round's threshold, so the token count adapts to each frame's redundancy.
 * `rounds` stand in for DyMU's layers (one threshold per round, like one per layer).
 * Modes:
 * - calibrate (default): DyMU finds per-layer thresholds from batch statistics (batch-level matching
 *   with a fixed r per image on average, running average of the r-th score over batches). Here the
 *   whole video is the batch: each round merges its quota of the best pairs over all frames, which
 *   meets the budget on average over the video exactly; the thresholds found are reported (use them
 *   in fixed mode on other videos). In a composition (per frame) the frame is its own batch.
 * - fixed: one user threshold for every round, no budget (DyMU inference with given thresholds).
 * Choices: A order is preserved after a round (DyMU's batch merge), unlike ToMe's score order; a
 * frame never drops below one token, so budgets under one token per frame are not reachable.
 */
export const dtome = spatialMethod<DtomeParams>({
  id: 'dtome',
  name: 'DToMe (dynamic token merging, DyMU)',
  family: 'spatial',
  paper: {
    title: 'DyMU: Dynamic Merging and Virtual Unmerging for Efficient VLMs',
    authors: 'Zhenhailong Wang, Senthil Purushwalkam, Caiming Xiong, Silvio Savarese, Heng Ji, Ran Xu',
    venue: 'arXiv 2025',
    url: 'https://arxiv.org/abs/2504.17040',
  },
  summary: 'Merges every token pair above a similarity threshold, so simple frames keep fewer tokens.',
  params: {
    mode: {
      type: 'enum',
      default: 'calibrate',
      options: ['calibrate', 'fixed'],
      help: 'calibrate: thresholds found on this video to meet the budget on average; fixed: use `threshold`, ignore the budget',
    },
    rounds: { type: 'integer', default: 8, min: 1, max: 24, help: 'merging rounds (DyMU: one per ViT layer); calibrate may add rounds when half-per-round caps bind' },
    threshold: { type: 'number', default: 0.9, min: -1, max: 1, step: 0.01, help: 'fixed mode: merge pairs with cosine similarity above this' },
  },
  needs: {},
  budgetMode: 'adaptive',
  frame(input, keep, params) {
    const n = input.grid.h * input.grid.w
    if (params.mode === 'fixed') {
      const labels = thresholdMergeLabels(input.tokens, n, input.dim, new Array<number>(params.rounds).fill(params.threshold))
      return meanMergeResult(input.tokens, input.dim, labels)
    }
    const { labels, thresholds } = calibrateMerges([input.tokens], n, input.dim, keep, params.rounds)
    return { ...meanMergeResult(input.tokens, input.dim, labels[0]), derived: thresholdReport(thresholds) }
  },
  jointFrames(video, plan, params) {
    if (params.mode !== 'calibrate' && params.mode !== 'fixed') throw new MethodInputError(`dtome.mode must be calibrate or fixed`)
    if (params.mode === 'fixed') return undefined
    const { labels, thresholds } = calibrateMerges(video.tokens, plan.n, video.dim, plan.tokens, params.rounds)
    return { frames: labels.map((l, t) => meanMergeResult(video.tokens[t], video.dim, l)), derived: thresholdReport(thresholds) }
  },
})
