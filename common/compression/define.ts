/**
 * How a method is declared: its description and the one function of its kind (frame, allocate or
 * apply); the helper adds the kind and `run`, the engine's entry point (runner.ts runPlanned), so
 * no method writes its own run.
 */
import { runPlanned } from './runner'
import type { FrameSelectionMethod, ParamValues, SpatialMethod, VideoMethod } from './types'

type Declared<M> = Omit<M, 'kind' | 'run' | '_params'>

export function spatialMethod<P extends ParamValues>(declared: Declared<SpatialMethod<P>>): SpatialMethod<P> {
  const method: SpatialMethod<P> = {
    ...declared,
    kind: 'spatial',
    run: (video, budget, params, ctx) => runPlanned({ kind: 'spatial', id: method.id, method: method as SpatialMethod, params }, video, budget, ctx),
  }
  return method
}

export function frameSelectionMethod<P extends ParamValues>(declared: Declared<FrameSelectionMethod<P>>): FrameSelectionMethod<P> {
  const method: FrameSelectionMethod<P> = {
    ...declared,
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
