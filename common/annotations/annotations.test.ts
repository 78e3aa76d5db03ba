import { describe, expect, it } from 'vitest'
import { type AnnotationProject, newSet } from './model'
import { type AnnotationOp, AnnotationOpError, applyOp, applyOps } from './ops'
import { emptyHistory, HistoryError, recordEdit, redoStep, undoStep, type History } from './history'
import { localEdit, refused, replicaOf, resetTo, storeOp } from './replica'
import { frameShownAt, frameWithPts, nearestFrame } from './frames'
import { setAgreement } from './agreement'
import { planImport } from './import'
import { filledSet, framePtsOf, projectWith } from '../../tests/support/annotations'

const pts = framePtsOf(2000)
const base = (): AnnotationProject => projectWith([filledSet('a', 20, 3, pts)])
const kf = (id: string, frame: number) => ({ id, sourceFrame: frame, pts: pts[frame], label: '', note: '' })

/** Every kind of op, valid on base(). */
const everyOp = (p: AnnotationProject): AnnotationOp[] => {
  const set = p.sets[0]
  return [
    { type: 'add-keyframe', setId: set.id, keyframe: kf('new', 3) },
    { type: 'remove-keyframe', setId: set.id, id: set.keyframes[5].id },
    { type: 'update-keyframe', setId: set.id, id: set.keyframes[2].id, fields: { label: 'relevant', note: 'changed', sourceFrame: 1999, pts: pts[1999] } },
    { type: 'add-segment', setId: set.id, segment: { id: 'seg', inPts: 1, outPts: 2, label: '', note: '' } },
    { type: 'remove-segment', setId: set.id, id: set.segments[1].id },
    { type: 'update-segment', setId: set.id, id: set.segments[0].id, fields: { outPts: 30 } },
    { type: 'update-set', setId: set.id, fields: { name: 'renamed', question: '', palette: ['x'] } },
    { type: 'add-set', set: newSet({ id: 'b', name: 'b' }), index: 0 },
    { type: 'remove-set', setId: set.id },
    { type: 'update-video', fields: { path: '/moved/lecture.mp4' } },
    { type: 'batch', ops: [{ type: 'add-keyframe', setId: set.id, keyframe: kf('x1', 4) }, { type: 'update-keyframe', setId: set.id, id: 'x1', fields: { note: 'n' } }] },
  ]
}

describe('annotation ops', () => {
  it('every op is undone exactly by its inverse, and leaves the input untouched', () => {
    for (const op of everyOp(base())) {
      const before = base()
      const frozen = JSON.stringify(before)
      const { project, inverse } = applyOp(before, op)
      expect(JSON.stringify(before), op.type).toBe(frozen)
      expect(project, op.type).not.toEqual(before)
      expect(applyOp(project, inverse).project, op.type).toEqual(before)
    }
  })

  it('keeps keyframes sorted by pts and segments by in point, and shares untouched sets', () => {
    const p = projectWith([filledSet('a', 20, 3, pts), filledSet('b', 5, 1, pts)])
    const a = p.sets[0]
    const next = applyOps(p, [
      { type: 'add-keyframe', setId: a.id, keyframe: kf('early', 1) },
      { type: 'update-keyframe', setId: a.id, id: a.keyframes[0].id, fields: { sourceFrame: 1500, pts: pts[1500] } },
      { type: 'add-segment', setId: a.id, segment: { id: 'z', inPts: 0.05, outPts: 0.3, label: '', note: '' } },
    ])
    const times = next.sets[0].keyframes.map((k) => k.pts)
    expect(times).toEqual([...times].sort((x, y) => x - y))
    expect(next.sets[0].keyframes[0].id).toBe('early')
    expect(next.sets[0].segments[0].id).toBe('z')
    expect(next.sets[1]).toBe(p.sets[1])
  })

  it('refuses what does not fit, naming it', () => {
    const p = base()
    const set = p.sets[0]
    const bad: [AnnotationOp, RegExp][] = [
      [{ type: 'add-keyframe', setId: set.id, keyframe: kf('dup', set.keyframes[0].sourceFrame) }, /already has a keyframe at frame 0/],
      [{ type: 'add-keyframe', setId: 'nope', keyframe: kf('q', 1) }, /no annotation set with id nope/],
      [{ type: 'remove-keyframe', setId: set.id, id: 'nope' }, /no keyframe with id nope/],
      [{ type: 'update-segment', setId: set.id, id: set.segments[0].id, fields: { outPts: -5 } }, /must not come before its in point/],
      [{ type: 'add-set', set: newSet({ name: 'a' }) }, /named "a" already exists/],
      [{ type: 'update-set', setId: set.id, fields: { name: '  ' } }, /needs a name/],
      [{ type: 'batch', ops: [{ type: 'add-keyframe', setId: set.id, keyframe: kf('ok', 1) }, { type: 'remove-set', setId: 'gone' }] }, /no annotation set with id gone/],
    ]
    for (const [op, message] of bad) expect(() => applyOp(p, op)).toThrow(message)
    expect(() => applyOp(p, bad[0][0])).toThrow(AnnotationOpError)
  })
})

describe('undo and redo', () => {
  it('undoes every edit in reverse order and redoes them all', () => {
    let project = base()
    let history: History = emptyHistory
    const states = [project]
    for (const op of everyOp(base()).slice(0, 7)) {
      const applied = applyOp(project, op)
      project = applied.project
      history = recordEdit(history, applied.inverse)
      states.push(project)
    }
    for (let i = states.length - 2; i >= 0; i--) {
      const step = undoStep(history, project)!
      project = applyOp(project, step.op).project
      history = step.history
      expect(project).toEqual(states[i])
    }
    expect(undoStep(history, project)).toBeNull()
    for (let i = 1; i < states.length; i++) {
      const step = redoStep(history, project)!
      project = applyOp(project, step.op).project
      history = step.history
      expect(project).toEqual(states[i])
    }
    expect(redoStep(history, project)).toBeNull()
  })

  it('a new edit clears the redo stack; an undo that no longer fits is dropped with a message', () => {
    let project = base()
    const set = project.sets[0]
    const added = applyOp(project, { type: 'add-keyframe', setId: set.id, keyframe: kf('k', 3) })
    let history = recordEdit(emptyHistory, added.inverse)
    project = added.project
    const step = undoStep(history, project)!
    history = recordEdit(step.history, applyOp(applyOp(project, step.op).project, { type: 'remove-set', setId: set.id }).inverse)
    expect(history.redo).toHaveLength(0)
    // Another window removed the keyframe meanwhile: undoing its addition cannot remove it again.
    const elsewhere = applyOp(added.project, { type: 'remove-keyframe', setId: set.id, id: 'k' }).project
    const lone = recordEdit(emptyHistory, added.inverse)
    try {
      undoStep(lone, elsewhere)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(HistoryError)
      expect((e as HistoryError).message).toMatch(/Cannot undo: no keyframe with id k/)
      expect((e as HistoryError).history.undo).toHaveLength(0)
    }
  })
})

describe('two windows on one project (replica)', () => {
  it('both edits survive in the store order, whoever sent first', () => {
    const start = base()
    const setId = start.sets[0].id
    // The store: applies ops in arrival order and numbers them.
    let store = start
    const storeApply = (op: AnnotationOp) => {
      store = { ...applyOp(store, op).project, revision: store.revision + 1 }
      return store.revision
    }
    let w1 = replicaOf(start)
    let w2 = replicaOf(start)
    const op1: AnnotationOp = { type: 'add-keyframe', setId, keyframe: kf('from-1', 3) }
    const op2: AnnotationOp = { type: 'add-keyframe', setId, keyframe: kf('from-2', 4) }
    w1 = localEdit(w1, 1, op1)
    w2 = localEdit(w2, 1, op2)
    // Window 2's op reaches the store first.
    const r2 = storeApply(op2)
    const r1 = storeApply(op1)
    const step = (r: typeof w1, rev: number, op: AnnotationOp, mine?: number) => {
      const next = storeOp(r, rev, op, mine)
      if (next === 'resync') throw new Error('unexpected resync')
      return next
    }
    w1 = step(step(w1, r2, op2), r1, op1, 1)
    w2 = step(step(w2, r2, op2, 1), r1, op1)
    for (const w of [w1, w2]) {
      expect(w.pending).toHaveLength(0)
      expect(w.view).toEqual(store)
      expect(w.view.sets[0].keyframes.map((k) => k.id)).toEqual(expect.arrayContaining(['from-1', 'from-2']))
    }
  })

  it('drops a pending op another window made impossible, asks to resync on a gap, and resets without re-applying what the store had', () => {
    const start = base()
    const setId = start.sets[0].id
    let w = localEdit(replicaOf(start), 1, { type: 'add-keyframe', setId, keyframe: kf('mine', 3) })
    const removeSet: AnnotationOp = { type: 'remove-set', setId }
    const after = storeOp(w, 1, removeSet)
    if (after === 'resync') throw new Error('unexpected resync')
    expect(after.pending).toHaveLength(0)
    expect(after.view.sets).toHaveLength(0)
    expect(storeOp(w, 5, removeSet)).toBe('resync')
    expect(refused(w, 1).view).toEqual(start)
    // The store had applied seq 1 already: a reset must not apply it twice.
    const stored = { ...applyOp(start, { type: 'add-keyframe', setId, keyframe: kf('mine', 3) }).project, revision: 1 }
    w = resetTo(w, stored, 1)
    expect(w.view).toEqual(stored)
  })
})

describe('frames by timestamp', () => {
  const table = [0.1, 0.14, 0.18, 0.22, 1.5]
  it('finds the nearest frame, the frame shown at a time, and exact matches', () => {
    expect(nearestFrame(table, 0)).toBe(0)
    expect(nearestFrame(table, 0.161)).toBe(2)
    expect(nearestFrame(table, 0.159)).toBe(1)
    expect(nearestFrame(table, 0.8)).toBe(3)
    expect(nearestFrame(table, 9)).toBe(4)
    expect(nearestFrame([], 1)).toBe(-1)
    expect(frameShownAt(table, 0.179)).toBe(1)
    expect(frameShownAt(table, 0.18)).toBe(2)
    expect(frameShownAt(table, 0)).toBe(0)
    expect(frameWithPts(table, 0.18000001)).toBe(2)
    expect(frameWithPts(table, 0.19)).toBe(-1)
  })

  it('a keyframe keeps its source position whatever the sampling; the nearest analysed frame follows from its pts', () => {
    const set = filledSet('a', 10, 0, pts, 13)
    const k = set.keyframes[7]
    for (const fps of [1, 2, 5]) {
      const sampled = Float64Array.from({ length: Math.floor(80 * fps) }, (_, i) => pts[Math.ceil((i / fps) * 25)])
      const i = nearestFrame(sampled, k.pts)
      for (const j of [i - 1, i + 1]) if (j >= 0 && j < sampled.length) expect(Math.abs(sampled[i] - k.pts)).toBeLessThanOrEqual(Math.abs(sampled[j] - k.pts))
    }
    expect(k.sourceFrame).toBe(91)
    expect(k.pts).toBe(pts[91])
  })
})

describe('agreement and import plans', () => {
  it('scores two annotators with LV-Haystack temporal P/R/F1', () => {
    const a = { ...newSet({ name: 'a' }), keyframes: [10, 20, 30, 40].map((t, i) => ({ ...kf(`a${i}`, i), pts: t })) }
    const b = { ...newSet({ name: 'b' }), keyframes: [11, 33, 90].map((t, i) => ({ ...kf(`b${i}`, i), pts: t })) }
    const score = setAgreement(a, b, 2)!
    expect(score.precision).toBeCloseTo(1 / 3)
    expect(score.recall).toBeCloseTo(1 / 4)
    expect(score.f1).toBeCloseTo((2 * (1 / 3) * (1 / 4)) / (1 / 3 + 1 / 4))
    expect(setAgreement(a, newSet({ name: 'empty' }))).toBeUndefined()
  })

  it('merges a set of the same name without duplicates, and adds the others', () => {
    const project = base()
    const again = filledSet('a', 25, 4, pts)
    const plan = planImport(project, [again, filledSet('c', 2, 0, pts)])
    expect(plan).toMatchObject({ sets: ['a', 'c'], keyframes: 5 + 2, segments: 1, skipped: 20 + 3 })
    const next = applyOp(project, plan.op!).project
    expect(next.sets.map((s) => s.name)).toEqual(['a', 'c'])
    expect(next.sets[0].keyframes).toHaveLength(25)
    expect(planImport(next, [again]).op).toBeNull()
    expect(planImport(project, [again], 'renamed').sets).toEqual(['renamed'])
    expect(() => planImport(project, [again, filledSet('c', 1, 0, pts)], 'zzz')).toThrow(/no set named "zzz" \(its sets: a, c\)/)
  })
})
