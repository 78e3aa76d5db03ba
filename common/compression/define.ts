/**
 * How a method is declared: its description and the one function of its kind (frame, allocate or
 * apply); the helper adds the kind and `run`, the engine's entry point (runner.ts runPlanned), so
 * no method writes its own run.
 */
import { meanMergeResult } from './frame-ops'
import { runPlanned, singleRun } from './runner'
import type { VideoTokens } from '../tokens'
import type { Budget, FrameInput, FrameResult, FrameSelectionMethod, Method, MethodContext, ParamValues, SpatialMethod, VideoMethod } from './types'

type Declared<M> = Omit<M, 'kind' | 'run' | '_params'>

/** A spatial method declares frame(), or prepare() and groups() (then frame() is built from them). */
type SpatialDeclared<P extends ParamValues> =
  | Declared<SpatialMethod<P>>
  | (Omit<Declared<SpatialMethod<P>>, 'frame'> & Required<Pick<SpatialMethod<P>, 'prepare' | 'groups'>>)

export function spatialMethod<P extends ParamValues>(declared: SpatialDeclared<P>): SpatialMethod<P> {
  const { prepare, groups, output } = declared
  const frame =
    'frame' in declared
      ? declared.frame
      : (input: Parameters<SpatialMethod<P>['frame']>[0], keep: number, params: P, ctx: Parameters<SpatialMethod<P>['frame']>[3]): FrameResult => {
          const { labels, derived } = groups!(prepare!(input, params, ctx), keep, params)
          return { ...outputOf(output, input, labels, params), ...(derived ? { derived } : {}) }
        }
  return withRun<SpatialMethod<P>>({ ...declared, frame, kind: 'spatial' })
}

export function frameSelectionMethod<P extends ParamValues>(declared: Declared<FrameSelectionMethod<P>>): FrameSelectionMethod<P> {
  const allocate: FrameSelectionMethod<P>['allocate'] = (video, plan, params, ctx, prepared) =>
    declared.allocate(video, plan, params, ctx, prepared ?? declared.prepare?.(video, params, ctx))
  return withRun<FrameSelectionMethod<P>>({ ...declared, allocate, kind: 'frame-selection' })
}

export function videoMethod<P extends ParamValues>(declared: Declared<VideoMethod<P>>): VideoMethod<P> {
  return withRun<VideoMethod<P>>({ ...declared, kind: 'video' })
}

/** A frame's output tokens from its labels: the method's `output`, or the means of the patches sharing a label. */
const outputOf = <P extends ParamValues>(output: SpatialMethod<P>['output'], input: FrameInput, labels: Int32Array, params: P): FrameResult =>
  output ? output(input, labels, params) : meanMergeResult(input.tokens, input.dim, labels)

/** The method with its run: the engine's in-process run of the method on its own. */
function withRun<M extends { run: unknown }>(method: Omit<M, 'run'>): M {
  const m = method as M
  const run = (video: VideoTokens, budget: Budget, params: ParamValues, ctx: MethodContext) => runPlanned(singleRun(m as unknown as Method, params), video, budget, ctx)
  m.run = run as M['run']
  return m
}
