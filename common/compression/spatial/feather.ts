import { spatialMethod } from '../define'
import { keepPatches } from '../frame-ops'
import { topK } from '../../tensor/top-k'
import type { TokenGrid } from '../../tokens'

export interface FeatherParams {
  [key: string]: number
  stride: number
}

/**
 * The uniform grid FEATHER adds to the attention criterion: patches grid[::s, ::s] (rows and
 * columns 0, s, 2s, …, anchored at the top-left, per axis on an h × w grid), with s grown from
 * `stride` until the grid fits in `keep`. → { patches (raster order), stride used }.
 */
export function uniformGrid(grid: TokenGrid, stride: number, keep: number): { patches: number[]; stride: number } {
  const { h, w } = grid
  let s = Math.max(1, stride)
  while (Math.ceil(h / s) * Math.ceil(w / s) > keep && s < Math.max(h, w)) s++
  const patches: number[] = []
  for (let y = 0; y < h; y += s) for (let x = 0; x < w; x += s) patches.push(y * w + x)
  return { patches, stride: s }
}

/**
 * feather: FEATHER (markendo/FEATHER @ c2a09b2, prismatic llama2_models.py FastVLlamaModel.forward
 * with --fastv_predefined_mask "no_rope_s=3"), its ensemble criterion on vision-encoder tokens,
 * per frame.
 *
 * Shapes: tokens [N, D], importance [N] → features [keep, D], kept patches unchanged, raster order.
 * 1. Uniform sampling: the stride-s grid (uniformGrid, s = 3 as in the code and paper).
 * 2. The rest of the frame budget: the patches with the highest importance not on the grid.
 * What is adapted, and why: in the paper both criteria live inside the LLM. Stage 1 (before layer
 * 8) keeps top-⌊0.3N⌋ by the last text token's attention computed without RoPE ∪ the stride-3
 * grid; stage 2 (layer 16) keeps 9 % of those survivors by the same attention. The point of the
 * uniform grid is to correct attention pruning's pull towards the bottom of the image (RoPE's
 * long-range decay, 80.7 % of the way down for FastV). Here there is one importance map per frame
 * (class attention or a saliency proxy, reported), so:
 * - single stage: stage 2 would re-rank the survivors by the same map, which only drops the grid
 *   tokens again, so it is left out;
 * - exact budget: the code's union topA ∪ grid has a varying size (overlaps); here the grid is
 *   taken first and the top-importance patches fill the frame budget exactly. The selection equals
 *   the union whenever topA and the grid do not overlap;
 * - when the grid alone exceeds the frame budget the stride grows until it fits (derived.stride
 *   reports the stride used, averaged over frames).
 * Ties go to the lower patch index. The spatial-bias metric shows what the grid changes.
 */
export const feather = spatialMethod<FeatherParams>({
  id: 'feather',
  name: 'FEATHER (attention + uniform grid)',
  family: 'spatial',
  paper: {
    title: 'Feather the Throttle: Revisiting Visual Token Pruning for Vision-Language Model Acceleration',
    authors: 'Mark Endo, Xiaohan Wang, Serena Yeung-Levy',
    venue: 'ICCV 2025',
    url: 'https://arxiv.org/abs/2412.13180',
  },
  summary: 'Keeps an evenly spaced grid of patches plus the most attended others, against attention’s positional bias.',
  params: {
    stride: { type: 'integer', default: 3, min: 1, max: 64, help: 'uniform grid stride (paper and code: 3); grows when the grid exceeds the frame budget' },
  },
  needs: { importance: 'proxy-ok' },
  budgetMode: 'exact',
  frame(input, keep, params) {
    const n = input.grid.h * input.grid.w
    const k = Math.min(keep, n)
    const { patches, stride } = uniformGrid(input.grid, params.stride, k)
    const onGrid = new Uint8Array(n)
    for (const p of patches) onGrid[p] = 1
    const rest = Array.from(topK(input.importance!, n)).filter((p) => !onGrid[p]).slice(0, k - patches.length)
    return { ...keepPatches(input.tokens, input.dim, n, [...patches, ...rest]), derived: { stride } }
  },
})
