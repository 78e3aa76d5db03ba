/**
 * How a method is declared: its description and the one function of its kind (frame, allocate or
 * apply); the helper adds the kind and `run`, the engine's entry point (runner.ts runPlanned), so
 * no method writes its own run.
 */
import { meanMergeResult } from './frame-ops'
import { runPlanned } from './runner'
import type { FrameResult, FrameSelectionMethod, ParamValues, SpatialMethod, VideoMethod } from './types'

type Declared<M> = Omit<M, 'kind' | 'run' | '_params'>

/** A spatial method declares frame(), or prepare() and groups() (then frame() is built from them). */
type SpatialDeclared<P extends ParamValues> =
  | Declared<SpatialMethod<P>>
  | (Omit<Declared<SpatialMethod<P>>, 'frame'> & Required<Pick<SpatialMethod<P>, 'prepare' | 'groups'>>)

export function spatialMethod<P extends ParamValues>(declared: SpatialDeclared<P>): SpatialMethod<P> {
  const { prepare, groups } = declared
  const frame =
    'frame' in declared
      ? declared.frame
      : (input: Parameters<SpatialMethod<P>['frame']>[0], keep: number, params: P, ctx: Parameters<SpatialMethod<P>['frame']>[3]): FrameResult => {
          const { labels, derived } = groups!(prepare!(input, params, ctx), keep, params)
          return { ...meanMergeResult(input.tokens, input.dim, labels), ...(derived ? { derived } : {}) }
        }
  const method: SpatialMethod<P> = {
    ...declared,
    frame,
    kind: 'spatial',
    run: (video, budget, params, ctx) => runPlanned({ kind: 'spatial', id: method.id, method: method as SpatialMethod, params }, video, budget, ctx),
  }
  return method
}

export function frameSelectionMethod<P extends ParamValues>(declared: Declared<FrameSelectionMethod<P>>): FrameSelectionMethod<P> {
  const method: FrameSelectionMethod<P> = {
    ...declared,
    allocate: (video, plan, params, ctx, prepared) => declared.allocate(video, plan, params, ctx, prepared ?? declared.prepare?.(video, params, ctx)),
    kind: 'frame-selection',
    run: (video, budget, params, ctx) => runPlanned({ kind: 'frame-selection', id: method.id, method: method as FrameSelectionMethod, params }, video, budget, ctx),
  }
  return method
}

export function videoMethod<P extends ParamValues>(declared: Declared<VideoMethod<P>>): VideoMethod<P> {
  const method: VideoMethod<P> = {
    ...declared,
    kind: 'video',
    run: (video, budget, params, ctx) => runPlanned({ kind: 'video', id: method.id, method: method as VideoMethod, params }, video, budget, ctx),
  }
  return method
}
