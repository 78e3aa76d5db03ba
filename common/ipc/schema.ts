/**
 * Runtime validation of every request payload (the contract's types, checked at the door) and of
 * every event payload (checked where the UI receives it), with the validators of validators.ts.
 */
import { type AnalysisProgress, ANALYSIS_PHASES, type Channel, type EventChannel, type Events, PULL_PHASES, type PullProgress, type QuickLookFrames, type RequestOf, SWEEP_MAX_METHODS, type SweepProgress } from './contract'
import { PROVIDER_CHOICES } from '../providers'
import { annotationsChangeSchema, opSchema } from '../annotations/validate'
import { arrayOf, bool, flatRecord, literal, none, num, obj, oneOf, optional, SchemaError, str, typedArray, union, type Validator } from './validators'

export { SchemaError, type Validator, str, num, oneOf, literal, optional, obj, union, flatRecord, typedArray, bool, none } from './validators'

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
    methods: arrayOf(obj({ methodId: id, params: flatRecord() }), SWEEP_MAX_METHODS, 1),
    budgets: arrayOf(num(0, 1, { exclusiveMin: true }), 32, 1),
    seed: num(0, 2 ** 32 - 1, { integer: true }),
    llm: optional(id),
    query: optional(query),
    sweepId: id,
  }),
  'sweep:cancel': obj({ sweepId: id }),
  'export:save': obj({ name: str(255), bytes: typedArray(Uint8Array, 2 ** 30) }),
  'video:frame-table': obj({ path }),
  'video:source-frame': obj({ path, index: num(0, 1e9, { integer: true }), maxWidth: optional(num(16, 8192, { integer: true })) }),
  'annotations:open': obj({ videoPath: path, file: optional(path) }),
  'annotations:edit': obj({ projectId: id, clientId: id, seq: num(1, Number.MAX_SAFE_INTEGER, { integer: true }), op: opSchema }),
  'annotations:save-as': obj({ projectId: id, file: path }),
  'annotations:recover': obj({ projectId: id }),
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
  'annotations:changed': annotationsChangeSchema,
  'models:pull-progress': pullProgressSchema,
}

/** Every event channel pushed from main to the UI. */
export const eventChannels = Object.keys(eventSchemas) as EventChannel[]

export const isEventChannel = (e: unknown): e is EventChannel => typeof e === 'string' && Object.prototype.hasOwnProperty.call(eventSchemas, e)
