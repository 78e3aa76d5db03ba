import { spatialMethod } from '../define'
import { topK } from '../../tensor/top-k'
import { l2NormalizeRows } from '../../tensor/vectors'
import { meanMergeResult } from '../frame-ops'

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
 *    argmax), and each target's output is the plain mean of itself and its members.
 * Choices: the paper counts the [CLS] token among the dominant ones (54 = CLS + 53 patches); we
 * output patch tokens only, so all `dominant` slots are patches. Similarity uses the tokens
 * themselves where VisionZip uses the keys of the selected layer. The budget split follows the
 * paper's ratio (contextualShare, default 10/64). Ties in attention go to the lower patch index.
 */
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
  frame(input, keep, params) {
    const n = input.grid.h * input.grid.w
    const d = input.dim
    const { dominant, contextual } = visionZipSplit(Math.min(keep, n), params.contextualShare)
    const labels = new Int32Array(n).fill(-1)
    for (const i of topK(input.importance!, dominant)) labels[i] = i
    const rest: number[] = []
    for (let i = 0; i < n; i++) if (labels[i] < 0) rest.push(i)
    if (contextual > 0) {
      const step = Math.max(1, Math.floor(rest.length / contextual))
      const targets: number[] = []
      for (let q = 0; q < rest.length && targets.length < contextual; q += step) targets.push(rest[q])
      for (const t of targets) labels[t] = t
      const unit = l2NormalizeRows(input.tokens, d)
      for (const i of rest) {
        if (labels[i] >= 0) continue
        let best = -Infinity
        for (const t of targets) {
          let dot = 0
          for (let k = 0; k < d; k++) dot += unit[i * d + k] * unit[t * d + k]
          if (dot > best) {
            best = dot
            labels[i] = t
          }
        }
      }
    }
    // dominant patches are singleton groups, so the group mean is the patch itself
    return meanMergeResult(input.tokens, d, labels)
  },
})
