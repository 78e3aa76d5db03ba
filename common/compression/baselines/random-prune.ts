import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { createRng, sampleIndices } from '../../tensor/rng'
import { frameSeed, keepPatches } from '../frame-ops'
import { areWeSolvingTheRightProblem } from './papers'

/**
 * random-prune: keep a seeded uniform random subset of each frame's patches, unchanged.
 *
 * Shapes: tokens [N, D] → features [keep, D], kept patches in raster order.
 * Choices: the budget is split evenly over frames (runSpatial); frame t draws from its own
 * mulberry32 stream seeded by frameSeed(ctx.seed, t), so a frame's subset does not depend on the
 * other frames' budgets; the subset is a partial Fisher–Yates draw (sampleIndices).
 */
export const randomPrune = spatialMethod<ParamValues>({
  id: 'random-prune',
  name: 'Random pruning',
  family: 'baseline',
  paper: areWeSolvingTheRightProblem,
  summary: 'Keeps a seeded random subset of each frame’s patches.',
  params: {},
  needs: {},
  budgetMode: 'exact',
  frame(input, keep, _params, ctx) {
    const n = input.grid.h * input.grid.w
    const kept = sampleIndices(n, Math.min(keep, n), createRng(frameSeed(ctx.seed, ctx.frameIndex)))
    return keepPatches(input.tokens, input.dim, n, kept)
  },
})
