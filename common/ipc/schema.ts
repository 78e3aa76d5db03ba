/**
 * Runtime validation of every request payload (the contract's types, checked at the door) and of
 * every event payload (checked where the UI receives it).
 *
 * A `Validator<T>` returns its input narrowed to T, or throws a `SchemaError` saying where and
 * why (`budget.ratio must be a number in (0, 1]`). Objects reject keys they do not know, so a
 * typo in a payload is an error instead of a silently ignored option. No dependencies.
 */
import { type AnalysisProgress, ANALYSIS_PHASES, type Channel, type EventChannel, type Events, PULL_PHASES, type PullProgress, type QuickLookFrames, type RequestOf, SWEEP_MAX_METHODS, type SweepProgress } from './contract'
import { PROVIDER_CHOICES } from '../providers'

export class SchemaError extends Error {
  override name = 'SchemaError'
}

export type Validator<T> = (value: unknown, at: string) => T

const fail = (at: string, what: string, value: unknown): never => {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value)
  throw new SchemaError(`${at || 'payload'} must be ${what}, got ${shown}`)
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)

/** A non-empty string of at most `maxLength` characters without NUL bytes. */
export const str = (maxLength = 4096): Validator<string> => (v, at) =>
  typeof v === 'string' && v.length > 0 && v.length <= maxLength && !v.includes('\0') ? v : fail(at, `a non-empty string (at most ${maxLength} characters)`, v)

/** A finite number in [min, max] (`exclusiveMin`: in (min, max]); `integer` also requires a whole number. */
export const num = (min: number, max: number, opts: { integer?: boolean; exclusiveMin?: boolean } = {}): Validator<number> => (v, at) => {
  const ok = typeof v === 'number' && Number.isFinite(v) && (opts.exclusiveMin ? v > min : v >= min) && v <= max && (!opts.integer || Number.isInteger(v))
  return ok ? v : fail(at, `${opts.integer ? 'an integer' : 'a number'} in ${opts.exclusiveMin ? '(' : '['}${min}, ${max}]`, v)
}

export const oneOf = <const T extends readonly string[]>(options: T): Validator<T[number]> => (v, at) =>
  typeof v === 'string' && options.includes(v) ? (v as T[number]) : fail(at, `one of ${options.join(', ')}`, v)

export const literal = <const T extends string>(value: T): Validator<T> => (v, at) => (v === value ? value : fail(at, `'${value}'`, v))

type Shape = Record<string, Validator<unknown>>
type Optional<V> = V & { optional: true }
type OutOf<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? never : K]: ReturnType<S[K]> } & {
  [K in keyof S as S[K] extends { optional: true } ? K : never]?: ReturnType<S[K]>
}

/** Marks an object field as optional (absent or undefined). */
export const optional = <T>(inner: Validator<T>): Optional<Validator<T>> => Object.assign((v: unknown, at: string) => inner(v, at), { optional: true as const })

/** An object with exactly the fields of `shape` (optional ones may be missing); unknown keys are an error. */
export const obj = <S extends Shape>(shape: S): Validator<OutOf<S>> => (v, at) => {
  if (!isPlainObject(v)) return fail(at, 'an object', v)
  for (const key of Object.keys(v)) if (!(key in shape)) throw new SchemaError(`${at || 'payload'} has no field '${key}' (has: ${Object.keys(shape).join(', ')})`)
  const out: Record<string, unknown> = {}
  for (const [key, check] of Object.entries(shape)) {
    const value = v[key]
    if (value === undefined && (check as Partial<Optional<unknown>>).optional) continue
    out[key] = check(value, at ? `${at}.${key}` : key)
  }
  return out as OutOf<S>
}

/** A union discriminated by which alternative accepts the value; the error lists them all. */
export const union = <V extends Validator<unknown>[]>(what: string, ...alternatives: V): Validator<ReturnType<V[number]>> => (v, at) => {
  const reasons: string[] = []
  for (const alt of alternatives) {
    try {
      return alt(v, at) as ReturnType<V[number]>
    } catch (e) {
      reasons.push((e as Error).message)
    }
  }
  throw new SchemaError(`${at || 'payload'} must be ${what} (${reasons.join('; or ')})`)
}

/** A flat record of number | boolean | string values (method parameters), at most `maxKeys` keys. */
export const flatRecord = (maxKeys = 64): Validator<Record<string, number | boolean | string>> => (v, at) => {
  if (!isPlainObject(v)) return fail(at, 'an object of parameters', v)
  const entries = Object.entries(v)
  if (entries.length > maxKeys) throw new SchemaError(`${at} has more than ${maxKeys} parameters`)
  for (const [key, value] of entries) {
    const ok = typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= 256)
    if (!ok || key.length === 0 || key.length > 128) fail(`${at}.${key}`, 'a number, boolean or short string', value)
  }
  return v as Record<string, number | boolean | string>
}

/** An instance of the typed array `type` (e.g. Float64Array) with at most `maxLength` elements. */
export const typedArray = <T extends ArrayBufferView & { length: number }>(type: abstract new (...args: never[]) => T, maxLength = 2 ** 31): Validator<T> => (v, at) =>
  v instanceof type && v.length <= maxLength ? v : fail(at, `a ${type.name} (at most ${maxLength} elements)`, v)

/** An array of `min`..`max` items, each checked by `item`. */
export const arrayOf = <T>(item: Validator<T>, min: number, max: number): Validator<T[]> => (v, at) => {
  if (!Array.isArray(v) || v.length < min || v.length > max) return fail(at, `an array of ${min} to ${max} items`, v)
  return v.map((x, i) => item(x, `${at}[${i}]`))
}

export const bool: Validator<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v))

/** No payload: undefined (or null, which is how JSON carries nothing). */
export const none: Validator<void> = (v, at) => (v === undefined || v === null ? undefined : fail(at, 'empty', v))

const path = str(4096)
const id = str(256)
/** A text query (far longer than any text tower's context, which truncates it). */
const query = str(2000)

export const samplingSchema = union(
  'a sampling: {mode: every-frame} | {mode: fps, fps} | {mode: count, frames}',
  obj({ mode: literal('every-frame') }),
  obj({ mode: literal('fps'), fps: num(0, 240, { exclusiveMin: true }) }),
  obj({ mode: literal('count'), frames: num(1, 1_000_000, { integer: true }) }),
)

export const budgetSchema = union(
  'a budget: {ratio in (0, 1]} | {tokens >= 1}',
  obj({ ratio: num(0, 1, { exclusiveMin: true }) }),
  obj({ tokens: num(1, 1e9, { integer: true }) }),
)

/** One validator per channel: the only door into the services. */
export const requestSchemas: { [C in Channel]: Validator<RequestOf<C>> } = {
  'app:info': none,
  'models:list': none,
  'methods:list': none,
  'video:choose': none,
  'video:recent': none,
  'video:probe': obj({ path }),
  'video:demo': none,
  'video:quick-look': obj({ path }),
  'video:frame': obj({ path, pts: num(0, 1e7), maxWidth: optional(num(16, 8192, { integer: true })) }),
  'analysis:start': obj({
    path,
    modelId: id,
    sampling: samplingSchema,
    provider: optional(oneOf(PROVIDER_CHOICES)),
  }),
  'analysis:cancel': obj({ jobId: id }),
  'tokens:signals': obj({ videoKey: id }),
  'tokens:importance': obj({ videoKey: id, frame: num(0, 1e8, { integer: true }) }),
  'method:run': obj({
    videoKey: id,
    methodId: id,
    budget: budgetSchema,
    params: flatRecord(),
    seed: num(0, 2 ** 32 - 1, { integer: true }),
    llm: optional(id),
    query: optional(query),
    slot: optional(str(16)),
  }),
  'sweep:run': obj({
    videoKey: id,
    methods: arrayOf(obj({ methodId: id, params: flatRecord() }), 1, SWEEP_MAX_METHODS),
    budgets: arrayOf(num(0, 1, { exclusiveMin: true }), 1, 32),
    seed: num(0, 2 ** 32 - 1, { integer: true }),
    llm: optional(id),
    query: optional(query),
    sweepId: id,
  }),
  'sweep:cancel': obj({ sweepId: id }),
  'export:save': obj({ name: str(255), bytes: typedArray(Uint8Array, 2 ** 30) }),
  'tokens:relevance': obj({ videoKey: id, query }),
  'tokens:patch-relevance': obj({ videoKey: id, query, frame: num(0, 1e8, { integer: true }) }),
  'models:pullable': none,
  'models:pull': obj({ id }),
}

const quickLookFramesShape = obj({
  id,
  path,
  start: num(0, 1e9, { integer: true }),
  pts: typedArray(Float64Array),
  width: num(1, 4096, { integer: true }),
  height: num(1, 4096, { integer: true }),
  rgba: typedArray(Uint8Array),
  novelty: typedArray(Float32Array),
  done: bool,
})

const analysisProgressSchema: Validator<AnalysisProgress> = obj({
  jobId: id,
  videoKey: id,
  phase: oneOf(ANALYSIS_PHASES),
  framesDone: num(0, 1e9, { integer: true }),
  framesTotal: num(0, 1e9, { integer: true }),
  framesPerSecond: num(0, 1e9),
  /** -1: unknown. */
  etaSeconds: num(-1, 1e9),
  provider: optional(str(64)),
  resumed: optional(bool),
  message: optional(str(4096)),
})

const sweepProgressSchema: Validator<SweepProgress> = obj({
  sweepId: id,
  done: num(0, 1e6, { integer: true }),
  total: num(0, 1e6, { integer: true }),
  methodId: id,
  budget: num(0, 1),
})

const pullProgressSchema: Validator<PullProgress> = obj({
  modelId: id,
  phase: oneOf(PULL_PHASES),
  file: optional(path),
  bytesDone: num(0, 1e15, { integer: true }),
  bytesTotal: num(0, 1e15, { integer: true }),
  bytesPerSecond: num(0, 1e15),
  /** -1: unknown. */
  etaSeconds: num(-1, 1e9),
  message: optional(str(4096)),
})

/** The `quicklook:frames` event as the UI receives it: the fields, and array sizes that agree. */
const quickLookFramesSchema: Validator<QuickLookFrames> = (v, at) => {
  const b = quickLookFramesShape(v, at)
  const n = b.pts.length
  if (b.novelty.length !== n) throw new SchemaError(`${at || 'payload'}.novelty has ${b.novelty.length} values for ${n} keyframes`)
  if (b.rgba.length !== n * b.width * b.height * 4) throw new SchemaError(`${at || 'payload'}.rgba has ${b.rgba.length} bytes, not ${n}×${b.width}×${b.height}×4`)
  return b
}

/** Every request channel, for registering handlers and filtering calls. */
export const channels = Object.keys(requestSchemas) as Channel[]

export const isChannel = (c: unknown): c is Channel => typeof c === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, c)

/** One validator per event: what the UI accepts from main. */
export const eventSchemas: { [E in EventChannel]: Validator<Events[E]> } = {
  'analysis:progress': analysisProgressSchema,
  'quicklook:frames': quickLookFramesSchema,
  'sweep:progress': sweepProgressSchema,
  'models:pull-progress': pullProgressSchema,
}

/** Every event channel pushed from main to the UI. */
export const eventChannels = Object.keys(eventSchemas) as EventChannel[]

export const isEventChannel = (e: unknown): e is EventChannel => typeof e === 'string' && Object.prototype.hasOwnProperty.call(eventSchemas, e)
