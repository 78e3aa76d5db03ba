import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { meanMergeResult } from '../frame-ops'

/**
 * The pooling stride for an h × w grid and a per-frame budget: the smallest s ≥ 1 whose
 * ceil-mode output ceil(h/s) × ceil(w/s) fits in `keep` tokens (the largest pooled grid).
 */
export function poolStride(h: number, w: number, keep: number): number {
  let s = 1
  while (Math.ceil(h / s) * Math.ceil(w / s) > keep && s < Math.max(h, w)) s++
  return s
}

/**
 * avg-pool: s × s average pooling of each frame's patch grid (LLaVolta's test-time finding that
 * plain pooling of visual tokens is a strong training-free compressor).
 *
 * Shapes: tokens [h*w, D] → features [ceil(h/s) * ceil(w/s), D], cells in raster order.
 * Choices: budgetMode 'grid' — s is the smallest stride whose pooled grid fits the per-frame
 * budget (poolStride), same s on both axes, stride = kernel = s. Non-divisible grids use ceil-mode
 * pooling exactly like torch F.avg_pool2d(kernel_size=s, stride=s, ceil_mode=True, padding=0):
 * the last row/column of windows is partial and averages only the patches inside the grid.
 * Group of a patch = the window containing it.
 */
export const avgPool = spatialMethod<ParamValues>({
  id: 'avg-pool',
  name: 'Average pooling',
  family: 'baseline',
  paper: {
    title: 'Efficient Large Multi-modal Models via Visual Context Compression (LLaVolta)',
    authors: 'Jieneng Chen, Luoxin Ye, Ju He, Zhao-Yang Wang, Daniel Khashabi, Alan Yuille',
    venue: 'NeurIPS 2024',
    url: 'https://arxiv.org/abs/2406.20092',
  },
  summary: 'Averages each frame’s patch grid over s × s windows.',
  params: {},
  needs: {},
  budgetMode: 'grid',
  frame(input, keep) {
    const { h, w } = input.grid
    const s = poolStride(h, w, keep)
    const ow = Math.ceil(w / s)
    const labels = new Int32Array(h * w)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) labels[y * w + x] = Math.floor(y / s) * ow + Math.floor(x / s)
    return { ...meanMergeResult(input.tokens, input.dim, labels), derived: { stride: s } }
  },
})
