import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { coveringCellLabels, fitGrid } from '../frame-ops'
import { dctMatrix } from '../../tensor/dct'

/**
 * The 1-D low-pass resampler [out, in]: forward orthonormal DCT-II at size `inSize`, keep the first
 * `outSize` coefficients, inverse orthonormal DCT (DCT-III) at size `outSize`, times √(out/in) so
 * the mean is preserved (without it a constant would grow by √(in/out)).
 */
export function lowpassMatrix(inSize: number, outSize: number): Float64Array {
  const cin = dctMatrix(inSize)
  const cout = dctMatrix(outSize)
  const scale = Math.sqrt(outSize / inSize)
  const m = new Float64Array(outSize * inSize)
  for (let p = 0; p < outSize; p++) {
    for (let i = 0; i < inSize; i++) {
      let s = 0
      for (let k = 0; k < outSize; k++) s += cout[k * outSize + p] * cin[k * inSize + i]
      m[p * inSize + i] = scale * s
    }
  }
  return m
}

/**
 * Low-pass resize of a grid per channel: x [h*w, D] → [oh*ow, D], y = Lh · x · Lwᵀ (separable).
 * Equals: 2-D orthonormal DCT-II over h × w, keep the oh × ow low-frequency block, inverse 2-D DCT at
 * oh × ow, scaled by √(oh·ow / (h·w)).
 */
export function dctLowpass(x: Float32Array, h: number, w: number, d: number, oh: number, ow: number): Float32Array {
  const lh = lowpassMatrix(h, oh)
  const lw = lowpassMatrix(w, ow)
  const rows = new Float64Array(oh * w * d) // [oh, w, D] after the vertical pass
  for (let p = 0; p < oh; p++)
    for (let i = 0; i < h; i++) {
      const c = lh[p * h + i]
      for (let j = 0; j < w; j++) {
        const src = (i * w + j) * d
        const dst = (p * w + j) * d
        for (let k = 0; k < d; k++) rows[dst + k] += c * x[src + k]
      }
    }
  const out = new Float32Array(oh * ow * d)
  for (let p = 0; p < oh; p++)
    for (let q = 0; q < ow; q++) {
      const dst = (p * ow + q) * d
      for (let j = 0; j < w; j++) {
        const c = lw[q * w + j]
        const src = (p * w + j) * d
        for (let k = 0; k < d; k++) out[dst + k] += c * rows[src + k]
      }
    }
  return out
}

/**
 * dct-lowpass: Fourier-VLM's frequency-domain compression of one frame's token grid.
 *
 * Shapes: tokens [h*w, D] → features [oh*ow, D], raster order.
 * 2-D DCT-II over the h × w grid per channel, keep the low-frequency oh × ow block, inverse DCT at
 * oh × ow. Choices: orthonormal transforms, with the output scaled by √(oh·ow / (h·w)) so the DC
 * term keeps its meaning (a constant grid stays the same constant); budgetMode 'grid' — oh × ow is
 * the largest aspect-matched grid within the per-frame budget (fitGrid; k × k for square grids).
 * Group of a patch = the output cell whose span covers the patch centre (for a heatmap only; every
 * output token depends on the whole frame).
 */
export const dctLowpassMethod = spatialMethod<ParamValues>({
  id: 'dct-lowpass',
  name: 'DCT low-pass (Fourier-VLM)',
  family: 'spatial',
  paper: {
    title: 'Fourier-VLM: Compressing Vision Tokens in the Frequency Domain for Large Vision-Language Models',
    authors: 'Huanyu Wang, Jushi Kai, Haoli Bai, Lu Hou, Bo Jiang, Ziwei He, Zhouhan Lin',
    venue: 'arXiv 2025',
    url: 'https://arxiv.org/abs/2508.06038',
  },
  summary: 'Keeps the low spatial frequencies of each frame’s token grid (2-D DCT).',
  params: {},
  needs: {},
  budgetMode: 'grid',
  frame(input, keep) {
    const { h, w } = input.grid
    const { oh, ow } = fitGrid(h, w, keep)
    return {
      groups: coveringCellLabels(h, w, oh, ow),
      features: dctLowpass(input.tokens, h, w, input.dim, oh, ow),
      derived: { outH: oh, outW: ow },
    }
  },
})
