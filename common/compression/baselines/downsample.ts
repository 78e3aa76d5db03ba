import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { coveringCellLabels, fitGrid, labelledResult } from '../frame-ops'
import { areWeSolvingTheRightProblem } from './papers'

/**
 * Bilinear source taps along one axis, as torch F.interpolate(mode='bilinear',
 * align_corners=False) computes them: src = (o + 0.5)·in/out − 0.5, clamped at 0.
 * → for each output index o: i0[o], i1[o] and weight w1[o] of i1 (w0 = 1 − w1).
 */
export function bilinearTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w1: Float64Array } {
  const i0 = new Int32Array(outSize)
  const i1 = new Int32Array(outSize)
  const w1 = new Float64Array(outSize)
  const scale = inSize / outSize
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, scale * (o + 0.5) - 0.5)
    const lo = Math.min(inSize - 1, Math.floor(src))
    i0[o] = lo
    i1[o] = lo < inSize - 1 ? lo + 1 : lo
    w1[o] = src - lo
  }
  return { i0, i1, w1 }
}

/**
 * downsample: bilinear resize of each frame's h × w token grid (per channel) to oh × ow.
 *
 * Shapes: tokens [h*w, D] → features [oh*ow, D], raster order.
 * Choices: budgetMode 'grid' — oh × ow is the largest aspect-matched grid within the per-frame
 * budget (fitGrid; k × k for square grids). Interpolation is torch's bilinear with
 * align_corners=False and no antialiasing (so at strong downscaling each output reads only its
 * 2 × 2 nearest source patches). Group of a patch = the output cell whose span covers the patch
 * centre; the output feature is the interpolated value, not the group mean.
 */
export const downsample = spatialMethod<ParamValues>({
  id: 'downsample',
  name: 'Bilinear downsampling',
  family: 'baseline',
  paper: areWeSolvingTheRightProblem,
  summary: 'Resizes each frame’s token grid bilinearly to a smaller grid.',
  params: {},
  needs: {},
  budgetMode: 'grid',
  frame(input, keep) {
    const { h, w } = input.grid
    const d = input.dim
    const x = input.tokens
    const { oh, ow } = fitGrid(h, w, keep)
    const ty = bilinearTaps(h, oh)
    const tx = bilinearTaps(w, ow)
    const result = labelledResult(coveringCellLabels(h, w, oh, ow), d, (cell, out, off) => {
      const oy = Math.floor(cell / ow)
      const ox = cell - oy * ow
      const taps: [number, number][] = [
        [ty.i0[oy] * w + tx.i0[ox], (1 - ty.w1[oy]) * (1 - tx.w1[ox])],
        [ty.i0[oy] * w + tx.i1[ox], (1 - ty.w1[oy]) * tx.w1[ox]],
        [ty.i1[oy] * w + tx.i0[ox], ty.w1[oy] * (1 - tx.w1[ox])],
        [ty.i1[oy] * w + tx.i1[ox], ty.w1[oy] * tx.w1[ox]],
      ]
      for (let k = 0; k < d; k++) {
        let v = 0
        for (const [p, wt] of taps) v += wt * x[p * d + k]
        out[off + k] = v
      }
    })
    return { ...result, derived: { outH: oh, outW: ow } }
  },
})
