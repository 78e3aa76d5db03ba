/**
 * One window's copy of a project (pure), kept in step with the main-process store that owns it.
 *
 * The store applies every window's ops in the order they arrive, numbers the results
 * (`revision`) and sends each applied op to every window. A window shows its own edits at once:
 * `view` is the last state the store confirmed with this window's not yet confirmed ops applied
 * on top. When another window's op arrives first, the pending ops are re-applied on the new
 * state; one that no longer fits is dropped (the store will refuse it too). So two windows never
 * overwrite each other: both see both edits, in the store's order.
 */
import type { AnnotationProject } from './model'
import { type AnnotationOp, applyOp } from './ops'

export interface PendingOp {
  seq: number
  op: AnnotationOp
}

export interface Replica {
  /** The store's state as of its last op this window has seen. */
  confirmed: AnnotationProject
  /** This window's ops sent but not yet seen back, oldest first. */
  pending: readonly PendingOp[]
  /** What the window shows: `confirmed` + `pending`. */
  view: AnnotationProject
}

export const replicaOf = (project: AnnotationProject): Replica => ({ confirmed: project, pending: [], view: project })

/** A local edit: applied to the view at once (throws AnnotationOpError when it does not fit). */
export function localEdit(r: Replica, seq: number, op: AnnotationOp): Replica {
  const view = applyOp(r.view, op).project
  return { ...r, pending: [...r.pending, { seq, op }], view }
}

/**
 * An op the store applied (as `revision`), from this window (`mine`: the seq it was sent with) or
 * another. 'resync' when an op was missed (the revision is not the next one): ask the store for
 * the whole project again.
 */
export function storeOp(r: Replica, revision: number, op: AnnotationOp, mine?: number): Replica | 'resync' {
  if (revision !== r.confirmed.revision + 1) return revision <= r.confirmed.revision ? r : 'resync'
  let confirmed: AnnotationProject
  try {
    confirmed = { ...applyOp(r.confirmed, op).project, revision }
  } catch {
    return 'resync'
  }
  const pending = mine === undefined ? r.pending : r.pending.filter((p) => p.seq !== mine)
  return rebase(confirmed, pending)
}

/** The store refused this window's op `seq` (it no longer fitted): drop it. */
export const refused = (r: Replica, seq: number): Replica => rebase(r.confirmed, r.pending.filter((p) => p.seq !== seq))

/**
 * The store's whole project (after a reload from disk or a resync): pending ops re-applied on it,
 * except those the store says it already applied (seq ≤ `appliedSeq`, this window's last op it saw).
 */
export const resetTo = (r: Replica, project: AnnotationProject, appliedSeq = 0): Replica => rebase(project, r.pending.filter((p) => p.seq > appliedSeq))

function rebase(confirmed: AnnotationProject, pending: readonly PendingOp[]): Replica {
  let view = confirmed
  const kept: PendingOp[] = []
  for (const p of pending) {
    try {
      view = applyOp(view, p.op).project
      kept.push(p)
    } catch {
      // superseded by another window's edit: the store refuses it as well
    }
  }
  return { confirmed, pending: kept, view }
}
