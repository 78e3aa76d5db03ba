import { baselinesMethods } from './baselines/index'
import { spatialMethods } from './spatial/index'
import { temporalMethods } from './temporal/index'
import { promptMethods } from './prompt/index'
import { runPlanned, singleRun, type RunSpec } from './runner'
import type { VideoTokens } from '../tokens'
import { type Budget, type Method, type MethodContext, MethodInputError, type MethodResult, type ParamSchema, type ParamValues } from './types'

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

/**
 * What running `id` with `params` means, resolved before anything runs (runner.ts RunSpec): a
 * single method with its parameters filled and checked, or a composition `frameStage+spatialStage`
 * (e.g. `scene-segments+tome`) with each stage's. Throws MethodInputError when the id or a
 * parameter is not valid.
 *
 * Composition: the frame-selection stage allocates the whole budget over frames (how many tokens
 * each frame gets, 0 = dropped), then the spatial stage picks that many tokens within each frame.
 * So the budget is split by the first stage, not by a fixed ratio. Parameters of a composition are
 * addressed `stageId.param`; plain `param` applies to a single method.
 */
export function resolveRun(id: string, params: ParamValues): RunSpec {
  const stages = id.split('+')
  if (stages.length === 1) {
    const method = getMethod(id)
    return singleRun(method, resolveParams(method.params, params, method.id))
  }
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
    kind: 'composition',
    id,
    first,
    second,
    firstParams: resolveParams(first.params, split(first.id), first.id),
    secondParams: resolveParams(second.params, split(second.id), second.id),
  }
}

/** Runs a method id, which may be a composition `frameStage+spatialStage` (resolveRun), in-process. */
export function runMethod(id: string, video: VideoTokens, budget: Budget, params: ParamValues, ctx: MethodContext): MethodResult {
  return runPlanned(resolveRun(id, params), video, budget, ctx)
}

/** Throws MethodInputError when the method id or its parameters are not valid: check before any work. */
export function validateMethodRequest(id: string, params: ParamValues): void {
  resolveRun(id, params)
}
