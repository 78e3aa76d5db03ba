/**
 * Imported sets into a project, as one undoable edit. A set whose name the project already has is
 * merged into it: keyframes at frames it already marks and segments it already has (same in and
 * out) are skipped, so importing the same file twice adds nothing. Other sets are added.
 */
import { type AnnotationProject, type AnnotationSet, newId } from './model'
import type { AnnotationOp } from './ops'
import { AnnotationFormatError } from './validate'

export interface ImportPlan {
  /** One batch op (undone as one edit); null when there is nothing new. */
  op: AnnotationOp | null
  /** The names of the sets that receive the items, in file order. */
  sets: string[]
  keyframes: number
  segments: number
  /** Items left out because the set already had them. */
  skipped: number
}

/**
 * `into`: the set to import (when the file has one of that name) or the name to give the file's
 * only set; without it, every set of the file under its own name.
 */
export function planImport(project: AnnotationProject, imported: readonly AnnotationSet[], into?: string): ImportPlan {
  const chosen = into === undefined ? imported : pick(imported, into)
  const ops: AnnotationOp[] = []
  const plan: ImportPlan = { op: null, sets: [], keyframes: 0, segments: 0, skipped: 0 }
  const takenIds = new Set(project.sets.map((s) => s.id))
  for (const set of chosen) {
    const existing = project.sets.find((s) => s.name === set.name)
    plan.sets.push(set.name)
    if (!existing) {
      const id = takenIds.has(set.id) ? newId() : set.id
      takenIds.add(id)
      ops.push({ type: 'add-set', set: { ...set, id } })
      plan.keyframes += set.keyframes.length
      plan.segments += set.segments.length
      continue
    }
    const frames = new Set(existing.keyframes.map((k) => k.sourceFrame))
    const ids = new Set([...existing.keyframes.map((k) => k.id), ...existing.segments.map((s) => s.id)])
    const spans = new Set(existing.segments.map((s) => `${s.inPts}/${s.outPts}`))
    const freshId = (id: string) => (ids.has(id) ? newId() : (ids.add(id), id))
    for (const k of set.keyframes) {
      if (frames.has(k.sourceFrame)) {
        plan.skipped++
        continue
      }
      frames.add(k.sourceFrame)
      ops.push({ type: 'add-keyframe', setId: existing.id, keyframe: { ...k, id: freshId(k.id) } })
      plan.keyframes++
    }
    for (const s of set.segments) {
      const span = `${s.inPts}/${s.outPts}`
      if (spans.has(span)) {
        plan.skipped++
        continue
      }
      spans.add(span)
      ops.push({ type: 'add-segment', setId: existing.id, segment: { ...s, id: freshId(s.id) } })
      plan.segments++
    }
  }
  plan.op = ops.length ? { type: 'batch', ops } : null
  return plan
}

function pick(imported: readonly AnnotationSet[], name: string): AnnotationSet[] {
  const named = imported.find((s) => s.name === name)
  if (named) return [named]
  if (imported.length === 1) return [{ ...imported[0], name }]
  throw new AnnotationFormatError(`the file has no set named "${name}" (its sets: ${imported.map((s) => s.name).join(', ') || 'none'})`)
}
