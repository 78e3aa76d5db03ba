import { baselinesMethods } from './baselines/index'
import { spatialMethods } from './spatial/index'
import { temporalMethods } from './temporal/index'
import { promptMethods } from './prompt/index'
import { runSpatial } from './framework'
import type { VideoTokens } from '../tokens'
import {
  type Budget,
  type FrameSelectionMethod,
  type Method,
  type MethodContext,
  MethodInputError,
  type MethodResult,
  type ParamSchema,
  type ParamValues,
  type SpatialMethod,
} from './types'

/** Every registered method, in listing order. */
export const methods: readonly Method[] = [...baselinesMethods, ...spatialMethods, ...temporalMethods, ...promptMethods]

const byId = new Map(methods.map((m) => [m.id, m]))

export function getMethod(id: string): Method {
  const m = byId.get(id)
  if (!m) throw new MethodInputError(`unknown method '${id}' (see 'tokenscope methods')`)
  return m
}

/** Fills defaults and checks every value against the schema. Unknown keys are an error. */
export function resolveParams(schema: ParamSchema, given: ParamValues, owner: string): ParamValues {
  const out: ParamValues = {}
  for (const key of Object.keys(given)) {
    if (!(key in schema)) throw new MethodInputError(`${owner} has no parameter '${key}' (has: ${Object.keys(schema).join(', ') || 'none'})`)
  }
  for (const [key, spec] of Object.entries(schema)) {
    const v = key in given ? given[key] : spec.default
    if (spec.type === 'number' || spec.type === 'integer') {
      const num = typeof v === 'string' ? Number(v) : v
      if (typeof num !== 'number' || !Number.isFinite(num) || num < spec.min || num > spec.max || (spec.type === 'integer' && !Number.isInteger(num))) {
        throw new MethodInputError(`${owner}.${key} must be ${spec.type === 'integer' ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}], got ${String(v)}`)
      }
      out[key] = num
    } else if (spec.type === 'boolean') {
      const b = v === 'true' ? true : v === 'false' ? false : v
      if (typeof b !== 'boolean') throw new MethodInputError(`${owner}.${key} must be true or false, got ${String(v)}`)
      out[key] = b
    } else if (spec.type === 'enum') {
      if (typeof v !== 'string' || !spec.options.includes(v)) throw new MethodInputError(`${owner}.${key} must be one of ${spec.options.join(', ')}, got ${String(v)}`)
      out[key] = v
    }
  }
  return out
}

/** A frame+spatial composition (`frameStage+spatialStage`) with each stage's resolved params. */
export interface Composition {
  id: string
  first: FrameSelectionMethod
  second: SpatialMethod
  firstParams: ParamValues
  secondParams: ParamValues
}

/**
 * Resolves a composition id and its `stage.param` parameters; undefined for a single method id.
 * Throws MethodInputError when the composition is malformed.
 */
export function resolveComposition(id: string, params: ParamValues): Composition | undefined {
  const stages = id.split('+')
  if (stages.length === 1) return undefined
  if (stages.length !== 2) throw new MethodInputError(`a composition has two stages, frame+spatial; got '${id}'`)
  const [first, second] = stages.map(getMethod)
  if (first.kind !== 'frame-selection') throw new MethodInputError(`'${first.id}' does not select frames, so it cannot lead a composition`)
  if (second.kind !== 'spatial') throw new MethodInputError(`'${second.id}' is not a per-frame (spatial) method, so it cannot follow '${first.id}'`)
  const split = (prefix: string) => {
    const out: ParamValues = {}
    for (const [k, v] of Object.entries(params)) {
      const dot = k.indexOf('.')
      if (dot < 0) throw new MethodInputError(`parameters of a composition are named stage.param, e.g. ${second.id}.${k}`)
      if (k.slice(0, dot) === prefix) out[k.slice(dot + 1)] = v
      else if (k.slice(0, dot) !== first.id && k.slice(0, dot) !== second.id) throw new MethodInputError(`no stage '${k.slice(0, dot)}' in ${id}`)
    }
    return out
  }
  return {
    id,
    first,
    second,
    firstParams: resolveParams(first.params, split(first.id), first.id),
    secondParams: resolveParams(second.params, split(second.id), second.id),
  }
}

export type Allocation = ReturnType<FrameSelectionMethod['allocate']>

/**
 * The second stage of a composition over the first stage's allocation, assembled into the result.
 * `spatial` stands in for `c.second` (e.g. the same method with frame() returning results computed
 * in worker threads).
 */
export function runComposed(c: Composition, alloc: Allocation, video: VideoTokens, budget: Budget, ctx: MethodContext, spatial: SpatialMethod = c.second): MethodResult {
  const r = runSpatial(spatial, video, budget, c.secondParams, ctx, alloc.perFrame)
  r.report.derived = { ...prefixKeys(c.first.id, alloc.derived), ...prefixKeys(c.second.id, r.report.derived) }
  r.report.notes = [...alloc.notes, ...r.report.notes]
  return r
}

/**
 * Runs a method id, which may be a composition `frameStage+spatialStage` (e.g. `scene-segments+tome`).
 *
 * Composition: the frame-selection stage allocates the whole budget over frames (how many tokens
 * each frame gets, 0 = dropped), then the spatial stage picks that many tokens within each frame.
 * So the budget is split by the first stage, not by a fixed ratio. Parameters of a composition are
 * addressed `stageId.param`; plain `param` applies to a single method.
 */
export function runMethod(id: string, video: VideoTokens, budget: Budget, params: ParamValues, ctx: MethodContext): MethodResult {
  const c = resolveComposition(id, params)
  if (!c) {
    const m = getMethod(id)
    return m.run(video, budget, resolveParams(m.params, params, m.id), ctx)
  }
  return runComposed(c, c.first.allocate(video, budget, c.firstParams, ctx), video, budget, ctx)
}

const prefixKeys = (p: string, o: Record<string, number | string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p}.${k}`, v]))

/** Throws MethodInputError when the method id or its parameters are not valid: check before any work. */
export function validateMethodRequest(id: string, params: ParamValues): void {
  if (resolveComposition(id, params)) return
  const m = getMethod(id)
  resolveParams(m.params, params, m.id)
}
