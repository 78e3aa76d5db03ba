/**
 * Edits of a project as data: every change is an `AnnotationOp`, applied by the pure `applyOp`,
 * which returns the new project (sharing every untouched set and item) and the op that undoes it.
 * The same ops travel from a window to the main-process store (which applies them in arrival
 * order and saves), back to every window as events, and into the undo history.
 *
 * Ops name their targets by id, so an op made in one window still means the same thing after
 * another window's edits landed first (a window re-applies its pending ops on the new state, see
 * replica.ts). An op that no longer fits (its set was deleted, its item already exists) throws
 * an `AnnotationOpError` and changes nothing.
 */
import { type AnnotationProject, type AnnotationSet, type Keyframe, keyframeOrder, type Segment, segmentOrder, type VideoRef } from './model'

export type SetFields = Partial<Pick<AnnotationSet, 'name' | 'annotator' | 'question' | 'palette'>>
export type KeyframeFields = Partial<Omit<Keyframe, 'id'>>
export type SegmentFields = Partial<Omit<Segment, 'id'>>

export type AnnotationOp =
  | { type: 'add-set'; set: AnnotationSet; index?: number }
  | { type: 'remove-set'; setId: string }
  | { type: 'update-set'; setId: string; fields: SetFields }
  | { type: 'add-keyframe'; setId: string; keyframe: Keyframe }
  | { type: 'remove-keyframe'; setId: string; id: string }
  | { type: 'update-keyframe'; setId: string; id: string; fields: KeyframeFields }
  | { type: 'add-segment'; setId: string; segment: Segment }
  | { type: 'remove-segment'; setId: string; id: string }
  | { type: 'update-segment'; setId: string; id: string; fields: SegmentFields }
  /** Where the video was found (a moved or renamed file); the store applies it, never the undo history. */
  | { type: 'update-video'; fields: Partial<Pick<VideoRef, 'path' | 'duration' | 'fps'>> }
  /** Several ops as one edit (an import, a multi-delete): undone together. */
  | { type: 'batch'; ops: AnnotationOp[] }

export const OP_TYPES = ['add-set', 'remove-set', 'update-set', 'add-keyframe', 'remove-keyframe', 'update-keyframe', 'add-segment', 'remove-segment', 'update-segment', 'update-video', 'batch'] as const satisfies readonly AnnotationOp['type'][]

export class AnnotationOpError extends Error {
  override name = 'AnnotationOpError'
}

export interface Applied {
  project: AnnotationProject
  /** Applying it to `project` gives back the project before the op. */
  inverse: AnnotationOp
}

/** Applies one op; throws AnnotationOpError when it does not fit the project. */
export function applyOp(project: AnnotationProject, op: AnnotationOp): Applied {
  switch (op.type) {
    case 'add-set': {
      if (project.sets.some((s) => s.id === op.set.id)) throw new AnnotationOpError(`a set with id ${op.set.id} already exists`)
      if (project.sets.some((s) => s.name === op.set.name)) throw new AnnotationOpError(`a set named "${op.set.name}" already exists`)
      checkSet(op.set)
      const index = Math.min(project.sets.length, Math.max(0, op.index ?? project.sets.length))
      const sets = [...project.sets.slice(0, index), op.set, ...project.sets.slice(index)]
      return { project: { ...project, sets }, inverse: { type: 'remove-set', setId: op.set.id } }
    }
    case 'remove-set': {
      const index = setIndex(project, op.setId)
      const set = project.sets[index]
      return { project: { ...project, sets: project.sets.filter((_, i) => i !== index) }, inverse: { type: 'add-set', set, index } }
    }
    case 'update-set': {
      const set = project.sets[setIndex(project, op.setId)]
      if (op.fields.name !== undefined && project.sets.some((s) => s.id !== set.id && s.name === op.fields.name)) {
        throw new AnnotationOpError(`a set named "${op.fields.name}" already exists`)
      }
      const next = { ...set, ...op.fields }
      checkSet(next)
      return { project: withSet(project, next), inverse: { type: 'update-set', setId: set.id, fields: previous(set, op.fields) } }
    }
    case 'add-keyframe': {
      const set = project.sets[setIndex(project, op.setId)]
      const k = op.keyframe
      checkKeyframe(k)
      if (set.keyframes.some((x) => x.id === k.id)) throw new AnnotationOpError(`keyframe ${k.id} already exists`)
      const clash = set.keyframes.find((x) => x.sourceFrame === k.sourceFrame)
      if (clash) throw new AnnotationOpError(`"${set.name}" already has a keyframe at frame ${k.sourceFrame}`)
      return { project: withSet(project, { ...set, keyframes: insertSorted(set.keyframes, k, keyframeOrder) }), inverse: { type: 'remove-keyframe', setId: set.id, id: k.id } }
    }
    case 'remove-keyframe': {
      const set = project.sets[setIndex(project, op.setId)]
      const k = itemById(set.keyframes, op.id, 'keyframe')
      return { project: withSet(project, { ...set, keyframes: set.keyframes.filter((x) => x !== k) }), inverse: { type: 'add-keyframe', setId: set.id, keyframe: k } }
    }
    case 'update-keyframe': {
      const set = project.sets[setIndex(project, op.setId)]
      const k = itemById(set.keyframes, op.id, 'keyframe')
      const next = { ...k, ...op.fields }
      checkKeyframe(next)
      if (next.sourceFrame !== k.sourceFrame && set.keyframes.some((x) => x !== k && x.sourceFrame === next.sourceFrame)) {
        throw new AnnotationOpError(`"${set.name}" already has a keyframe at frame ${next.sourceFrame}`)
      }
      const keyframes = insertSorted(set.keyframes.filter((x) => x !== k), next, keyframeOrder)
      return { project: withSet(project, { ...set, keyframes }), inverse: { type: 'update-keyframe', setId: set.id, id: k.id, fields: previous(k, op.fields) } }
    }
    case 'add-segment': {
      const set = project.sets[setIndex(project, op.setId)]
      checkSegment(op.segment)
      if (set.segments.some((x) => x.id === op.segment.id)) throw new AnnotationOpError(`segment ${op.segment.id} already exists`)
      return { project: withSet(project, { ...set, segments: insertSorted(set.segments, op.segment, segmentOrder) }), inverse: { type: 'remove-segment', setId: set.id, id: op.segment.id } }
    }
    case 'remove-segment': {
      const set = project.sets[setIndex(project, op.setId)]
      const s = itemById(set.segments, op.id, 'segment')
      return { project: withSet(project, { ...set, segments: set.segments.filter((x) => x !== s) }), inverse: { type: 'add-segment', setId: set.id, segment: s } }
    }
    case 'update-segment': {
      const set = project.sets[setIndex(project, op.setId)]
      const s = itemById(set.segments, op.id, 'segment')
      const next = { ...s, ...op.fields }
      checkSegment(next)
      const segments = insertSorted(set.segments.filter((x) => x !== s), next, segmentOrder)
      return { project: withSet(project, { ...set, segments }), inverse: { type: 'update-segment', setId: set.id, id: s.id, fields: previous(s, op.fields) } }
    }
    case 'update-video': {
      const video = { ...project.video, ...op.fields }
      return { project: { ...project, video }, inverse: { type: 'update-video', fields: previous(project.video, op.fields) } }
    }
    case 'batch': {
      let current = project
      const inverses: AnnotationOp[] = []
      for (const inner of op.ops) {
        const applied = applyOp(current, inner)
        current = applied.project
        inverses.push(applied.inverse)
      }
      return { project: current, inverse: { type: 'batch', ops: inverses.reverse() } }
    }
  }
}

/** Applies ops in order; each must fit. */
export const applyOps = (project: AnnotationProject, ops: readonly AnnotationOp[]): AnnotationProject => ops.reduce((p, op) => applyOp(p, op).project, project)

function setIndex(project: AnnotationProject, setId: string): number {
  const index = project.sets.findIndex((s) => s.id === setId)
  if (index < 0) throw new AnnotationOpError(`no annotation set with id ${setId} (it may have been deleted)`)
  return index
}

function itemById<T extends { id: string }>(items: readonly T[], id: string, what: string): T {
  const item = items.find((x) => x.id === id)
  if (!item) throw new AnnotationOpError(`no ${what} with id ${id} (it may have been deleted)`)
  return item
}

const withSet = (project: AnnotationProject, set: AnnotationSet): AnnotationProject => ({ ...project, sets: project.sets.map((s) => (s.id === set.id ? set : s)) })

/** The values `fields` is about to replace, so that applying them restores the object. */
function previous<T extends object>(object: T, fields: Partial<T>): Partial<T> {
  const out: Partial<T> = {}
  for (const key of Object.keys(fields) as (keyof T)[]) out[key] = object[key]
  return out
}

function insertSorted<T>(items: readonly T[], item: T, order: (a: T, b: T) => number): T[] {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (order(items[mid], item) <= 0) lo = mid + 1
    else hi = mid
  }
  return [...items.slice(0, lo), item, ...items.slice(lo)]
}

const isTime = (t: number) => Number.isFinite(t)

function checkKeyframe(k: Keyframe) {
  if (!(Number.isInteger(k.sourceFrame) && k.sourceFrame >= 0)) throw new AnnotationOpError(`keyframe sourceFrame must be a whole number ≥ 0, got ${k.sourceFrame}`)
  if (!isTime(k.pts)) throw new AnnotationOpError(`keyframe pts must be a number of seconds, got ${k.pts}`)
}

function checkSegment(s: Segment) {
  if (!isTime(s.inPts) || !isTime(s.outPts)) throw new AnnotationOpError(`segment in and out must be numbers of seconds, got ${s.inPts} and ${s.outPts}`)
  if (s.outPts < s.inPts) throw new AnnotationOpError(`a segment's out point (${s.outPts} s) must not come before its in point (${s.inPts} s)`)
}

function checkSet(s: AnnotationSet) {
  if (!s.name.trim()) throw new AnnotationOpError('an annotation set needs a name')
}

