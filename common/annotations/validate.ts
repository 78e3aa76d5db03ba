/**
 * Checking annotation data from outside: a project file (its version first, then every field) and
 * an op as it arrives over IPC. Built on the IPC layer's validators (../ipc/validators.ts), so an
 * error names the field: `sets[0].keyframes[3].pts must be a number in [-10000000, 10000000], got "x"`.
 *
 * Lists are sorted on the way in (a hand-edited file may list keyframes in any order) and ids must
 * be unique, so what comes out satisfies every invariant of model.ts.
 */
import { arrayOf, flatRecord, literal, num, obj, oneOf, optional, SchemaError, str, text, type Validator } from '../ipc/validators'
import type { AnnotationsChange, ProjectView } from '../ipc/contract'
import { type AnnotationProject, type AnnotationSet, DEFAULT_PALETTE, type Keyframe, keyframeOrder, PROJECT_FORMAT, PROJECT_VERSION, type Segment, segmentOrder } from './model'
import { type AnnotationOp, OP_TYPES } from './ops'

/** Why a project or annotation file cannot be used; `message` names the file (when known) and the field. */
export class AnnotationFormatError extends Error {
  override name = 'AnnotationFormatError'
  constructor(
    message: string,
    /** damaged: unreadable or invalid; newer-version: written by a newer TokenScope; wrong-video: made for another video. */
    readonly problem: 'damaged' | 'newer-version' | 'wrong-video' = 'damaged',
  ) {
    super(message)
  }
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : JSON.stringify(v))

const id = str(256)
const seconds = num(-1e7, 1e7)
const frameIndex = num(0, 1e9, { integer: true })
const label = text(256)
const note = text(10_000)
const MAX_ITEMS = 10_000_000

const keyframeShape = obj({ id, sourceFrame: frameIndex, pts: seconds, label: optional(label), note: optional(note) })
const segmentShape = obj({ id, inPts: seconds, outPts: seconds, label: optional(label), note: optional(note) })

export const keyframeSchema: Validator<Keyframe> = (v, at) => {
  const k = keyframeShape(v, at)
  return { id: k.id, sourceFrame: k.sourceFrame, pts: k.pts, label: k.label ?? '', note: k.note ?? '' }
}

export const segmentSchema: Validator<Segment> = (v, at) => {
  const s = segmentShape(v, at)
  if (s.outPts < s.inPts) throw new SchemaError(`${at}.outPts (${s.outPts}) must not come before inPts (${s.inPts})`)
  return { id: s.id, inPts: s.inPts, outPts: s.outPts, label: s.label ?? '', note: s.note ?? '' }
}

/*
 * Fast paths for the long lists (a project may hold millions of items): the same rules as the
 * schemas above, checked without building a field path per value; an item that fails them goes
 * through its schema, whose error names the field.
 */
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256 && !v.includes('\0')
const isText = (v: unknown, max: number) => v === undefined || (typeof v === 'string' && v.length <= max && !v.includes('\0'))
const isSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= -1e7 && v <= 1e7
const onlyKeys = (o: object, allowed: readonly string[]) => Object.keys(o).every((k) => allowed.includes(k))
const KEYFRAME_KEYS = ['id', 'sourceFrame', 'pts', 'label', 'note']
const SEGMENT_KEYS = ['id', 'inPts', 'outPts', 'label', 'note']
type Raw = Record<string, unknown>

function quickKeyframe(v: unknown): Keyframe | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null
  const k = v as Raw
  const frame = k.sourceFrame
  if (!isId(k.id) || typeof frame !== 'number' || !Number.isInteger(frame) || frame < 0 || frame > 1e9 || !isSeconds(k.pts) || !isText(k.label, 256) || !isText(k.note, 10_000) || !onlyKeys(k, KEYFRAME_KEYS)) return null
  return { id: k.id, sourceFrame: frame, pts: k.pts, label: (k.label as string | undefined) ?? '', note: (k.note as string | undefined) ?? '' }
}

function quickSegment(v: unknown): Segment | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null
  const s = v as Raw
  if (!isId(s.id) || !isSeconds(s.inPts) || !isSeconds(s.outPts) || s.outPts < s.inPts || !isText(s.label, 256) || !isText(s.note, 10_000) || !onlyKeys(s, SEGMENT_KEYS)) return null
  return { id: s.id, inPts: s.inPts, outPts: s.outPts, label: (s.label as string | undefined) ?? '', note: (s.note as string | undefined) ?? '' }
}

/** A list of items: each through `quick`, and through `schema` (for its error) when that fails. */
const itemList =
  <T>(quick: (v: unknown) => T | null, schema: Validator<T>): Validator<T[]> =>
  (v, at) => {
    if (!Array.isArray(v)) return arrayOf(schema, MAX_ITEMS)(v, at)
    if (v.length > MAX_ITEMS) throw new SchemaError(`${at} has ${v.length} items, more than ${MAX_ITEMS}`)
    return v.map((x, i) => quick(x) ?? schema(x, `${at}[${i}]`))
  }

const setShape = obj({
  id,
  name: str(256),
  annotator: optional(text(256)),
  question: optional(text(4096)),
  palette: optional(arrayOf(str(256), 64)),
  keyframes: optional(itemList(quickKeyframe, keyframeSchema)),
  segments: optional(itemList(quickSegment, segmentSchema)),
})

export const setSchema: Validator<AnnotationSet> = (v, at) => {
  const s = setShape(v, at)
  const keyframes = sorted(s.keyframes ?? [], keyframeOrder)
  const segments = sorted(s.segments ?? [], segmentOrder)
  unique(keyframes.map((k) => k.id), `${at}.keyframes`, 'id')
  unique(keyframes.map((k) => k.sourceFrame), `${at}.keyframes`, 'sourceFrame')
  unique(segments.map((x) => x.id), `${at}.segments`, 'id')
  return { id: s.id, name: s.name, annotator: s.annotator ?? '', question: s.question ?? '', palette: s.palette ?? DEFAULT_PALETTE, keyframes, segments }
}

/** `items` in `order` (files we write are sorted already: checked in one pass, sorted only when not). */
function sorted<T>(items: T[], order: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) if (order(items[i - 1], items[i]) > 0) return [...items].sort(order)
  return items
}

function unique(values: (string | number)[], at: string, field: string) {
  const seen = new Set<string | number>()
  for (const v of values) {
    if (seen.has(v)) throw new SchemaError(`${at} has two items with ${field} ${v}`)
    seen.add(v)
  }
}

const videoSchema = obj({ path: str(4096), fingerprint: str(128), duration: num(0, 1e8), fps: num(0, 1e5) })

const projectShape = obj({
  format: literal(PROJECT_FORMAT),
  version: num(1, PROJECT_VERSION, { integer: true }),
  revision: num(0, Number.MAX_SAFE_INTEGER, { integer: true }),
  video: videoSchema,
  sets: arrayOf(setSchema, 10_000),
})

/** A project as a value (parsed JSON): checked and normalised; throws AnnotationFormatError. `where` names the file in messages. */
export function checkProject(value: unknown, where = 'the project'): AnnotationProject {
  const head = value as { format?: unknown; version?: unknown } | null
  if (typeof head !== 'object' || head === null || Array.isArray(head)) throw new AnnotationFormatError(`${where} is not a TokenScope annotation project (expected a JSON object)`)
  if (head.format !== PROJECT_FORMAT) throw new AnnotationFormatError(`${where} is not a TokenScope annotation project (format is ${describe(head.format)}, expected "${PROJECT_FORMAT}")`)
  if (typeof head.version === 'number' && head.version > PROJECT_VERSION) {
    throw new AnnotationFormatError(`${where} was written by a newer TokenScope (format version ${head.version}; this one reads up to ${PROJECT_VERSION}): update TokenScope to open it`, 'newer-version')
  }
  try {
    const p = projectShape(value, '')
    unique(p.sets.map((s) => s.id), 'sets', 'id')
    unique(p.sets.map((s) => s.name), 'sets', 'name')
    return { ...p, format: PROJECT_FORMAT }
  } catch (e) {
    if (e instanceof SchemaError) throw new AnnotationFormatError(`${where}: ${e.message}`)
    throw e
  }
}

/** A project file's text: JSON, then checkProject. */
export function parseProject(textValue: string, where = 'the project'): AnnotationProject {
  let value: unknown
  try {
    value = JSON.parse(textValue)
  } catch (e) {
    const empty = textValue.trim().length === 0
    throw new AnnotationFormatError(empty ? `${where} is empty` : `${where} is not valid JSON (${(e as Error).message})`)
  }
  return checkProject(value, where)
}

const setFieldsSchema = obj({ name: optional(str(256)), annotator: optional(text(256)), question: optional(text(4096)), palette: optional(arrayOf(str(256), 64)) })
const keyframeFieldsSchema = obj({ sourceFrame: optional(frameIndex), pts: optional(seconds), label: optional(label), note: optional(note) })
const segmentFieldsSchema = obj({ inPts: optional(seconds), outPts: optional(seconds), label: optional(label), note: optional(note) })
const videoFieldsSchema = obj({ path: optional(str(4096)), duration: optional(num(0, 1e8)), fps: optional(num(0, 1e5)) })

const opShapes: { [T in AnnotationOp['type']]: Validator<unknown> } = {
  'add-set': obj({ type: literal('add-set'), set: setSchema, index: optional(num(0, 10_000, { integer: true })) }),
  'remove-set': obj({ type: literal('remove-set'), setId: id }),
  'update-set': obj({ type: literal('update-set'), setId: id, fields: setFieldsSchema }),
  'add-keyframe': obj({ type: literal('add-keyframe'), setId: id, keyframe: keyframeSchema }),
  'remove-keyframe': obj({ type: literal('remove-keyframe'), setId: id, id }),
  'update-keyframe': obj({ type: literal('update-keyframe'), setId: id, id, fields: keyframeFieldsSchema }),
  'add-segment': obj({ type: literal('add-segment'), setId: id, segment: segmentSchema }),
  'remove-segment': obj({ type: literal('remove-segment'), setId: id, id }),
  'update-segment': obj({ type: literal('update-segment'), setId: id, id, fields: segmentFieldsSchema }),
  'update-video': obj({ type: literal('update-video'), fields: videoFieldsSchema }),
  batch: obj({ type: literal('batch'), ops: arrayOf((v, at) => opSchema(v, at), 1_000_000) }),
}

/** An op as it arrives over IPC (shape only; applyOp checks that it fits the project). */
export const opSchema: Validator<AnnotationOp> = (v, at) => {
  const type = oneOf(OP_TYPES)((v as { type?: unknown } | null)?.type, `${at || 'op'}.type`)
  return opShapes[type](v, at) as AnnotationOp
}

/** Sets an importer built, checked like a project file's (unique ids and frames, sorted lists); `where` names the file. */
export function checkSets(sets: readonly AnnotationSet[], where: string): AnnotationSet[] {
  try {
    unique(sets.map((s) => s.name), 'sets', 'name')
    return sets.map((s, i) => setSchema(s, `sets[${i}] ("${s.name}")`))
  } catch (e) {
    if (e instanceof SchemaError) throw new AnnotationFormatError(`${where}: ${e.message}`)
    throw e
  }
}

const problemSchema = obj({ kind: oneOf(['damaged', 'newer-version', 'wrong-video'] as const), message: str(8192) })
const seqsSchema: Validator<Record<string, number>> = (v, at) => {
  const seqs = flatRecord(100_000)(v, at)
  for (const [client, seq] of Object.entries(seqs)) num(0, Number.MAX_SAFE_INTEGER, { integer: true })(seq, `${at}.${client}`)
  return seqs as Record<string, number>
}

/** A ProjectView as a window receives it. */
export const projectViewSchema: Validator<ProjectView> = obj({
  projectId: id,
  file: str(4096),
  project: (v, at) => checkProject(v, at || 'project'),
  appliedSeqs: seqsSchema,
  problem: optional(problemSchema),
  notices: arrayOf(text(8192), 100),
})

const changeShapes = {
  op: obj({ projectId: id, kind: literal('op'), revision: num(1, Number.MAX_SAFE_INTEGER, { integer: true }), op: opSchema, clientId: optional(id), seq: optional(num(1, Number.MAX_SAFE_INTEGER, { integer: true })) }),
  reset: obj({ projectId: id, kind: literal('reset'), view: projectViewSchema, message: text(8192) }),
  problem: obj({ projectId: id, kind: literal('problem'), message: str(8192) }),
}

/** The `annotations:changed` event. */
export const annotationsChangeSchema: Validator<AnnotationsChange> = (v, at) => {
  const kind = oneOf(['op', 'reset', 'problem'] as const)((v as { kind?: unknown } | null)?.kind, `${at || 'payload'}.kind`)
  return changeShapes[kind](v, at) as AnnotationsChange
}
