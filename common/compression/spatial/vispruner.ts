import { spatialMethod } from '../define'
import { keepPatches } from '../frame-ops'
import { topK } from '../../tensor/top-k'
import { gatherRows } from '../../tensor/vectors'
import { cosineMatrix } from '../../tensor/similarity'

export interface VisPrunerParams {
  [key: string]: number
  importantRatio: number
}

/** Tokens dropped per de-duplication round (the released code's `min(8, R - T_div)`). */
const DROP_PER_ROUND = 8

/**
 * VisPruner's duplicate removal (encode_images' while loop): from `residual` (patch ids in the
 * order of the list) removes the most redundant tokens in rounds until `keep` remain. Each round
 * splits the list alternately into A (positions 0, 2, …) and B (1, 3, …), scores each A token by
 * its highest cosine to B, drops the r = min(8, R − keep) highest-scored A tokens, and continues
 * with [the other A tokens in score order, then B]. tokens [N, D] → the kept ids.
 */
export function removeDuplicates(tokens: Float32Array, d: number, residual: number[], keep: number): number[] {
  // The cosines of the residual tokens, once: every round only looks them up (at: patch → row).
  const at = new Int32Array(tokens.length / d)
  residual.forEach((p, q) => (at[p] = q))
  const m = residual.length
  const sims = cosineMatrix(gatherRows(tokens, d, residual), d)
  let list = residual
  for (;;) {
    const r = Math.min(DROP_PER_ROUND, list.length - keep)
    if (r <= 0) return list
    const a = list.filter((_, q) => q % 2 === 0)
    const b = list.filter((_, q) => q % 2 === 1)
    const score = new Map<number, number>()
    for (const p of a) {
      let best = -Infinity
      for (const o of b) best = Math.max(best, sims[at[p] * m + at[o]])
      score.set(p, best)
    }
    const ranked = a.slice().sort((p, o) => score.get(o)! - score.get(p)! || p - o)
    list = [...ranked.slice(r), ...b]
  }
}

/**
 * vispruner: VisPruner (Theia-4869/VisPruner @ aefa01a, llava/model/llava_arch.py encode_images),
 * per frame. FasterVLM (same authors' earlier version) is its important half alone (= vtc-cls).
 *
 * Shapes: tokens [N, D], importance a [N] → features [keep, D], kept patches unchanged, raster order.
 * 1. T_imp = floor(keep · importantRatio) patches with the highest class attention are kept.
 * 2. The other N − T_imp, in attention-descending order, lose duplicates (removeDuplicates) until
 *    T_div = keep − T_imp remain: cosine of L2-normalised features, A/B alternate split of the
 *    current list, the ≤ 8 most redundant A tokens dropped per round, the list re-ordered as the
 *    code re-orders it (remaining A by score, then B). Exact budget.
 * Choices and adaptations:
 * - Attention: the cached importance (the code's head-mean CLS attention of the penultimate layer,
 *   patch columns, not renormalised; ranking is the same). A saliency proxy is accepted (as for
 *   vtc-cls) and reported. Features: the cached patch tokens (the code: penultimate layer output,
 *   before the projector).
 * - Ties (torch's argsort is not stable): the lower patch index first, in both sorts.
 * - Odd list lengths: A has ⌈R/2⌉ tokens and B ⌊R/2⌋ (the code's index expansion assumes an even R,
 *   which its settings always give); when r ≥ |A| the whole of A goes and the loop continues.
 * - importantRatio 0.5: the argparse default of model_vqa*.py (the README also uses 0.75 for 64
 *   tokens). The round size 8 is the code's constant. Video: per frame, the budget split evenly
 *   (FasterVLM's video branch keeps the same count in every frame).
 */
export const visPruner = spatialMethod<VisPrunerParams>({
  id: 'vispruner',
  name: 'VisPruner (important + diverse)',
  family: 'spatial',
  paper: {
    title: 'Beyond Text-Visual Attention: Exploiting Visual Cues for Effective Token Pruning in VLMs',
    authors: 'Qizhe Zhang, Aosong Cheng, Ming Lu, Renrui Zhang, Zhiyong Zhuo, Jiajun Cao, Shaobo Guo, Qi She, Shanghang Zhang',
    venue: 'ICCV 2025',
    url: 'https://arxiv.org/abs/2412.01818',
  },
  summary: 'Keeps the most attended patches, then the most diverse of the rest after removing near-duplicates.',
  params: {
    importantRatio: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      step: 0.05,
      help: 'share of the frame budget taken by top class attention; the rest are diverse tokens (code default 0.5)',
    },
  },
  needs: { importance: 'proxy-ok' },
  budgetMode: 'exact',
  frame(input, keep, params) {
    const n = input.grid.h * input.grid.w
    const d = input.dim
    const k = Math.min(keep, n)
    const important = Math.floor(k * params.importantRatio)
    const order = Array.from(topK(input.importance!, n))
    const diverse = removeDuplicates(input.tokens, d, order.slice(important), k - important)
    return { ...keepPatches(input.tokens, d, n, [...order.slice(0, important), ...diverse]), derived: { important, diverse: k - important } }
  },
})
