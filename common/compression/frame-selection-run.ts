import type { VideoTokens } from '../tokens'
import { stridedPatches } from './allocation'
import { keepPatches } from './frame-ops'
import { runSpatial } from './framework'
import type { Budget, FrameSelectionMethod, MethodContext, MethodResult, ParamValues, SpatialMethod } from './types'

/** The stand-in spatial stage of a frame-selection method run on its own: keeps stridedPatches. */
const keepWhole: SpatialMethod<ParamValues> = {
  id: 'keep',
  name: 'Keep (strided when partial)',
  kind: 'spatial',
  family: 'baseline',
  paper: { title: '', authors: '', venue: '', url: '' },
  summary: '',
  params: {},
  needs: {},
  budgetMode: 'exact',
  frame(input, keep) {
    const n = input.grid.h * input.grid.w
    return keepPatches(input.tokens, input.dim, n, stridedPatches(n, keep))
  },
  run(video, budget, params, ctx) {
    return runSpatial(this, video, budget, params, ctx)
  },
}

/**
 * Runs a frame-selection method on its own: its allocation decides how many tokens each frame
 * keeps; frames with the full N keep every patch, partial frames keep evenly strided patches.
 * The method's needs are checked, its derived values and notes go into the report.
 */
export function runFrameSelection<P extends ParamValues>(
  method: FrameSelectionMethod<P>,
  video: VideoTokens,
  budget: Budget,
  params: P,
  ctx: MethodContext,
): MethodResult {
  const alloc = method.allocate(video, budget, params, ctx)
  const r = runSpatial({ ...keepWhole, needs: method.needs, id: method.id }, video, budget, {}, ctx, alloc.perFrame)
  r.report.derived = alloc.derived
  r.report.notes = [...alloc.notes]
  return r
}
