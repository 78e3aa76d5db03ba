/**
 * Undo and redo for one editor (pure): the history holds, per edit, the op that undoes it (the
 * inverse applyOp returned). Undoing applies that op as a new edit, and its own inverse goes on
 * the redo stack; a new edit clears the redo stack. Because ops name their targets by id, undo
 * stays meaningful while other windows edit the same project; an entry that no longer fits
 * (another window deleted its item) is dropped with an error saying so.
 */
import { type AnnotationOp, AnnotationOpError, applyOp } from './ops'
import type { AnnotationProject } from './model'

export interface History {
  readonly undo: readonly AnnotationOp[]
  readonly redo: readonly AnnotationOp[]
}

/** Edits kept for undo. */
export const HISTORY_LIMIT = 1000

export const emptyHistory: History = { undo: [], redo: [] }

/** After a new edit whose inverse is `inverse`. */
export const recordEdit = (h: History, inverse: AnnotationOp): History => ({ undo: [...h.undo, inverse].slice(-HISTORY_LIMIT), redo: [] })

export interface Step {
  /** The op to apply (and send) now. */
  op: AnnotationOp
  history: History
}

/** The op that undoes the last edit, and the history after it; null when there is nothing to undo. */
export const undoStep = (h: History, project: AnnotationProject): Step | null => step(h, project, 'undo')

/** The op that redoes the last undone edit; null when there is nothing to redo. */
export const redoStep = (h: History, project: AnnotationProject): Step | null => step(h, project, 'redo')

function step(h: History, project: AnnotationProject, from: 'undo' | 'redo'): Step | null {
  const stack = h[from]
  const op = stack.at(-1)
  if (!op) return null
  const rest = stack.slice(0, -1)
  let inverse: AnnotationOp
  try {
    inverse = applyOp(project, op).inverse
  } catch (e) {
    if (e instanceof AnnotationOpError) throw new HistoryError(`Cannot ${from}: ${e.message}`, from === 'undo' ? { ...h, undo: rest } : { ...h, redo: rest })
    throw e
  }
  return from === 'undo' ? { op, history: { undo: rest, redo: [...h.redo, inverse] } } : { op, history: { undo: [...h.undo, inverse], redo: rest } }
}

/** An undo or redo that no longer fits; `history` is the history without that entry. */
export class HistoryError extends Error {
  override name = 'HistoryError'
  constructor(
    message: string,
    readonly history: History,
  ) {
    super(message)
  }
}
