import { spatialMethod } from '../define'
import type { ParamValues } from '../types'
import { createRng, shuffledPrefix } from '../../tensor/rng'
import { frameSeed, prefixLabels } from '../frame-ops'
import { areWeSolvingTheRightProblem } from './papers'

/**
 * random-prune: keep a seeded uniform random subset of each frame's patches, unchanged.
 *
 * Shapes: tokens [N, D] → features [keep, D], kept patches in raster order.
 * Choices: the budget is split evenly over frames (runSpatial); frame t draws from its own
 * mulberry32 stream seeded by frameSeed(ctx.seed, t), so a frame's subset does not depend on the
 * other frames' budgets; the subset is a partial Fisher–Yates draw (sampleIndices): the first k of
 * the full shuffle, which is prepared once per frame (a budget change takes a prefix).
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
  prepare: (input, _params, ctx) => ({ order: shuffledPrefix(input.grid.h * input.grid.w, createRng(frameSeed(ctx.seed, ctx.frameIndex))) }),
  groups: (prepared, keep) => ({ labels: prefixLabels(prepared.order as Int32Array, keep) }),
})
