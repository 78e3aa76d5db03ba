import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { topK } from '../../tensor/top-k'
import { prefixLabels } from '../frame-ops'

/**
 * vtc-cls: VTC-CLS ("[CLS] Token Tells Everything Needed for Training-free Efficient MLLMs"),
 * the visual-encoder stage: keep the top-k patches by class-token attention, in spatial order.
 *
 * Shapes: tokens [N, D], importance [N] → features [keep, D], kept patches unchanged, raster order.
 * Choices: THU-MIG/VTC-CLS sums the head-averaged [CLS] attention of several encoder layers
 * (start_layer … penultimate); the token cache holds one importance map per frame, so the sum has a
 * single term here (the map the encoder exported). A saliency proxy is accepted and reported. Ties
 * go to the lower patch index. The ranking is prepared once per frame; a budget change takes a prefix. The LLM-side part of the paper (attention ensembling inside the
 * language model) is out of scope for a token-map workbench.
 */
export const vtcCls = spatialMethod<ParamValues>({
  id: 'vtc-cls',
  name: 'VTC-CLS (top-k [CLS] attention)',
  family: 'spatial',
  paper: {
    title: '[CLS] Token Tells Everything Needed for Training-free Efficient MLLMs',
    authors: 'Ao Wang, Fengyuan Sun, Hui Chen, Zijia Lin, Jungong Han, Guiguang Ding',
    venue: 'arXiv 2024',
    url: 'https://arxiv.org/abs/2412.05819',
  },
  summary: 'Keeps the patches with the highest class-token attention.',
  params: {},
  needs: { importance: 'proxy-ok' },
  budgetMode: 'exact',
  prepare: (input) => ({ order: topK(input.importance!, input.importance!.length) }),
  groups: (prepared, keep) => ({ labels: prefixLabels(prepared.order as Int32Array, keep) }),
})
