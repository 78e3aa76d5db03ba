import { spatialMethod } from '../define'
import type { Prepared } from '../types'
import { descendingOrders, topK } from '../../tensor/top-k'
import { cosineMatrix } from '../../tensor/similarity'
import { labelledResult } from '../frame-ops'
import type { FrameResult } from '../types'

export interface VisionZipParams {
  [key: string]: number
  contextualShare: number
}

/**
 * How VisionZip splits a per-frame budget: contextual = round(keep × share), dominant = the rest.
 * With share 10/64 this gives the paper's LLaVA-1.5 settings 54+10, 108+20, 162+30 for 64/128/192.
 */
export function visionZipSplit(keep: number, share: number): { dominant: number; contextual: number } {
  const contextual = Math.min(keep, Math.max(0, Math.round(keep * share)))
  return { dominant: keep - contextual, contextual }
}

/**
 * visionzip: VisionZip (dvlab-research/VisionZip, clip_encoder feature_select), per frame.
 *
 * Shapes: tokens [N, D], importance [N] → features [dominant + contextual, D].
 * 1. Dominant: the `dominant` patches with the highest class attention, unchanged.
 * 2. Contextual: the R remaining patches (in raster order) are split into targets, taken at
 *    positions 0, step, 2·step, … (step = max(1, floor(R / contextual)), first `contextual` of them),
 *    and the others; every other token joins its most cosine-similar target (first on ties, as
 *    argmax). A target's output is the target PLUS the mean of its members, and the target
 *    alone when none joined it: `contextual_tokens = target_hidden + aggregated_hidden` in the
 *    released clip_encoder.py (dvlab-research/VisionZip @ 3151f6d), not a plain mean — its norm is
 *    about twice a token's when members joined.
 * Choices: the paper counts the [CLS] token among the dominant ones (54 = CLS + 53 patches); we
 * output patch tokens only, so all `dominant` slots are patches. Similarity uses the tokens
 * themselves where VisionZip uses the keys of the selected layer. The budget split follows the
 * paper's ratio (contextualShare, default 10/64). Ties in attention go to the lower patch index.
 * The rankings are prepared once per frame (visionZipPrepare), so a budget change recomputes only
 * the split, the targets and each token's best-ranked target.
 */
/**
 * VisionZip's budget-independent work on one frame: the patches ranked by importance (`dominant`)
 * and, for every patch, all patches ranked by cosine similarity to it, highest first, lower index on
 * ties (`rank` [N, N]: rank[j·N + i] = j's place in patch i's ranking, so a target's places in
 * every ranking are one contiguous row; float32 cosines, tensor/similarity.ts). The target a token
 * joins is then its best-ranked target, which is the argmax over targets (first on ties).
 */
export function visionZipPrepare(tokens: Float32Array, importance: Float32Array, n: number, d: number): Prepared {
  const sim = cosineMatrix(tokens, d)
  const rank = n <= 256 ? new Uint8Array(n * n) : new Uint16Array(n * n)
  descendingOrders(sim, n, n, (i, order) => {
    for (let q = 0; q < n; q++) rank[order[q] * n + i] = q
  })
  return { dominant: topK(importance, n), rank }
}

/** VisionZip's labels [N] for `keep` tokens from its prepared rankings (visionZipPrepare). */
export function visionZipLabels(prepared: Prepared, keep: number, share: number): Int32Array {
  const order = prepared.dominant as Int32Array
  const rank = prepared.rank as Uint8Array | Uint16Array
  const n = order.length
  const { dominant, contextual } = visionZipSplit(Math.min(keep, n), share)
  const labels = new Int32Array(n).fill(-1)
  for (let j = 0; j < dominant; j++) labels[order[j]] = order[j]
  const rest = new Int32Array(n - dominant)
  for (let i = 0, r = 0; i < n; i++) if (labels[i] < 0) rest[r++] = i
  if (contextual > 0) {
    const step = Math.max(1, Math.floor(rest.length / contextual))
    const targets: number[] = []
    for (let q = 0; q < rest.length && targets.length < contextual; q += step) {
      labels[rest[q]] = rest[q]
      targets.push(rest[q])
    }
    const others = new Int32Array(rest.length - targets.length)
    for (let q = 0, o = 0; q < rest.length; q++) if (labels[rest[q]] < 0) others[o++] = rest[q]
    // Ranks are distinct within a ranking, so the order targets are tried in cannot matter.
    const best = new Int32Array(n).fill(n)
    for (const c of targets) {
      const row = c * n
      for (let q = 0; q < others.length; q++) {
        const i = others[q]
        const r = rank[row + i]
        if (r < best[i]) {
          best[i] = r
          labels[i] = c
        }
      }
    }
  }
  return labels
}

export const visionZip = spatialMethod<VisionZipParams>({
  id: 'visionzip',
  name: 'VisionZip (dominant + contextual)',
  family: 'spatial',
  paper: {
    title: 'VisionZip: Longer is Better but Not Necessary in Vision Language Models',
    authors: 'Senqiao Yang, Yukang Chen, Zhuotao Tian, Chengyao Wang, Jingyao Li, Bei Yu, Jiaya Jia',
    venue: 'CVPR 2025',
    url: 'https://arxiv.org/abs/2412.04467',
  },
  summary: 'Keeps the most attended patches and merges the rest into a few contextual tokens.',
  params: {
    contextualShare: {
      type: 'number',
      default: 10 / 64,
      min: 0,
      max: 1,
      step: 0.01,
      help: 'share of the per-frame budget given to contextual (merged) tokens; paper: 10/64 (54 + 10 for LLaVA-1.5)',
    },
  },
  needs: { importance: 'proxy-ok' },
  budgetMode: 'exact',
  prepare: (input) => visionZipPrepare(input.tokens, input.importance!, input.grid.h * input.grid.w, input.dim),
  groups: (prepared, keep, params) => ({ labels: visionZipLabels(prepared, keep, params.contextualShare) }),
  output: (input, labels) => contextualResult(input.tokens, input.dim, labels),
})

/**
 * VisionZip's output tokens from the labels (label = the patch a token is named after): a dominant
 * patch alone is itself; a contextual target is x_target + mean(x_member) over the patches that
 * joined it (x_target when none did). tokens [N, D], labels [N] → FrameResult.
 */
export function contextualResult(tokens: Float32Array, d: number, labels: Int32Array): FrameResult {
  const sum = new Map<number, Float64Array>()
  const count = new Map<number, number>()
  labels.forEach((t, i) => {
    if (t < 0 || t === i) return
    let s = sum.get(t)
    if (!s) sum.set(t, (s = new Float64Array(d)))
    for (let k = 0; k < d; k++) s[k] += tokens[i * d + k]
    count.set(t, (count.get(t) ?? 0) + 1)
  })
  return labelledResult(labels, d, (t, out, off) => {
    const s = sum.get(t)
    const m = count.get(t) ?? 0
    for (let k = 0; k < d; k++) out[off + k] = tokens[t * d + k] + (s ? s[k] / m : 0)
  })
}
