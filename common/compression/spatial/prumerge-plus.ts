import { spatialMethod } from '../define'
import { pruMergeFrame, pruMergePaper } from './prumerge'

export interface PruMergePlusParams {
  [key: string]: number | boolean
  neighbours: number
  extraToken: boolean
}

/**
 * prumerge-plus: LLaVA-PruMerge+ (42Shawn/LLaVA-PruMerge @ 097c041, clip_encoder.py
 * token_prune_merge_advanced_plus, the function the released `forward` calls with
 * if_adaptive=True), per frame. The same frame function as `prumerge` with its `plus` path and the
 * adaptive IQR count fixed, which is what the released default runs.
 *
 * Shapes: tokens [N, D], importance a [N] → features [c + s (+1), D].
 * 1. IQR outliers of the class attention (numpy percentiles, linear interpolation): ratio = c/N,
 *    kept = topk(a, int(N · ratio)).
 * 2. Spatial supplement: patches 0, s, 2s, … below N − 1 not kept yet, s = int(int(1/ratio)/3)
 *    (the code's arange(0, 575, s) for N = 576), appended after the outliers.
 * 3. Each kept token adds its 32 nearest tokens (cosine) weighted by raw attention:
 *    y_i = x_i + Σ_j a_j·x_j; one extra token Σ_{j pruned} a_j·x_j is appended.
 * Choices (as prumerge, all checked against the code): guards where the code fails (ratio 0 adds
 * only patch 0; s ≥ 1 when ratio > 1/3); similarity on the cached tokens (code: last-layer keys);
 * attention = the cached importance (code: single-head last-layer softmax, patch columns); real
 * class attention is required since the IQR rule assumes its heavy tail; ties to the lower index;
 * output in raster order (the code: outliers by attention, then the supplement — order only).
 * Adaptive: the budget is ignored; `kept` (outliers + supplement) is reported per frame.
 */
export const pruMergePlus = spatialMethod<PruMergePlusParams>({
  id: 'prumerge-plus',
  name: 'LLaVA-PruMerge+',
  family: 'spatial',
  paper: pruMergePaper,
  summary: 'PruMerge’s attention outliers plus evenly spaced patches, each absorbing its nearest neighbours.',
  params: {
    neighbours: { type: 'integer', default: 32, min: 1, max: 1024, help: 'nearest neighbours each kept token absorbs (code: 32)' },
    extraToken: { type: 'boolean', default: true, help: 'append the attention-weighted sum of pruned patches as one token (as the code does)' },
  },
  needs: { importance: 'required' },
  budgetMode: 'adaptive',
  frame: (input, keep, params) => pruMergeFrame(input, keep, { ...params, adaptive: true, plus: true }),
})
