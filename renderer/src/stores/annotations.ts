/**
 * The open video's hand annotations in this window: its copy of the project (a replica of the
 * main-process store, common/annotations/replica.ts), the undo history, the current set, the
 * selected item, a pending segment in point, and every edit the keys, the timeline rows and the
 * side list make. An edit shows at once and goes to the store without waiting for it; the store
 * sends every applied edit to every window, so two windows on one project both see both edits.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { AnnotationsChange, ProjectView } from '../../../common/ipc/contract'
import { type AnnotationSet, type ItemRef, type Keyframe, findItem, keyframeAtFrame, newId, newSet, type Segment } from '../../../common/annotations/model'
import { type AnnotationOp, AnnotationOpError, applyOp } from '../../../common/annotations/ops'
import { emptyHistory, type History, HistoryError, recordEdit, redoStep, undoStep } from '../../../common/annotations/history'
import { localEdit, refused, replicaOf, type Replica, resetTo, storeOp } from '../../../common/annotations/replica'
import { formats, guessFormat, type FormatId } from '../../../common/annotations/formats'
import { planImport } from '../../../common/annotations/import'
import { type Agreement, setAgreement } from '../../../common/annotations/agreement'
import { videoStem } from '../../../common/annotations/formats/video-entries'
import { useApi } from '../api/use-api'
import { useErrorStore } from './errors'
import { useSourceFramesStore } from './source-frames'
import { useVideoStore } from './video'
import { formatPts } from '../util/format'

type ProjectMeta = Omit<ProjectView, 'project' | 'appliedSeqs'>

export const useAnnotationsStore = defineStore('annotations', () => {
  const api = useApi()
  const errors = useErrorStore()
  const video = useVideoStore()
  const source = useSourceFramesStore()

  /** This window's id towards the store (a tab or window of its own). */
  const clientId = globalThis.crypto.randomUUID()
  let seq = 0

  const meta = shallowRef<ProjectMeta | null>(null)
  const replica = shallowRef<Replica | null>(null)
  const history = shallowRef<History>(emptyHistory)
  const currentSetId = ref<string | null>(null)
  const selected = ref<ItemRef | null>(null)
  const pendingIn = ref<{ index: number; pts: number } | null>(null)
  /** The last thing an action has to say (shown under the list). */
  const message = ref('')
  const helpOpen = ref(false)
  /** Bumped to ask the side list to open the note editor of the selected item. */
  const noteRequest = ref(0)
  /** Bumped to ask the side list to focus the go-to field. */
  const goToRequest = ref(0)

  const project = computed(() => replica.value?.view ?? null)
  const readOnly = computed(() => !!meta.value?.problem)
  const currentSet = computed<AnnotationSet | null>(() => project.value?.sets.find((s) => s.id === currentSetId.value) ?? project.value?.sets[0] ?? null)
  const selectedItem = computed(() => (currentSet.value && selected.value ? (findItem(currentSet.value, selected.value) ?? null) : null))
  const pendingEdits = computed(() => replica.value?.pending.length ?? 0)

  // --- the project ---

  function adopt(view: ProjectView) {
    const { project: p, appliedSeqs, ...rest } = view
    meta.value = rest
    replica.value = replica.value ? resetTo(replica.value, p, appliedSeqs[clientId] ?? 0) : replicaOf(p)
    if (!p.sets.some((s) => s.id === currentSetId.value)) currentSetId.value = p.sets[0]?.id ?? null
  }

  async function open(path: string) {
    meta.value = null
    replica.value = null
    history.value = emptyHistory
    selected.value = null
    pendingIn.value = null
    message.value = ''
    if (!path) return
    try {
      const view = await api.invoke('annotations:open', { videoPath: path })
      if (video.path === path) adopt(view)
    } catch (e) {
      errors.report(e)
    }
  }

  async function resync() {
    if (!video.path) return
    try {
      adopt(await api.invoke('annotations:open', { videoPath: video.path }))
    } catch (e) {
      errors.report(e)
    }
  }

  function onChange(c: AnnotationsChange) {
    if (!meta.value || c.projectId !== meta.value.projectId || !replica.value) return
    if (c.kind === 'op') {
      const next = storeOp(replica.value, c.revision, c.op, c.clientId === clientId ? c.seq : undefined)
      if (next === 'resync') void resync()
      else replica.value = next
    } else if (c.kind === 'reset') {
      adopt(c.view)
      message.value = c.message
    } else errors.report(c.message)
  }

  let listening = false
  function init() {
    if (listening) return
    listening = true
    api.on('annotations:changed', onChange)
  }

  watch(
    () => video.path,
    (path) => void open(path),
    { immediate: true },
  )

  // --- editing ---

  /** Applies an edit here at once and sends it to the store; false (with a message) when it does not fit. */
  function edit(op: AnnotationOp, undoable = true): boolean {
    const r = replica.value
    const m = meta.value
    if (!r || !m) return false
    if (m.problem) {
      message.value = 'This project is read-only until you recover it (see above).'
      return false
    }
    let inverse: AnnotationOp
    try {
      inverse = applyOp(r.view, op).inverse
    } catch (e) {
      if (e instanceof AnnotationOpError) {
        message.value = e.message
        return false
      }
      throw e
    }
    const mine = ++seq
    replica.value = localEdit(r, mine, op)
    if (undoable) history.value = recordEdit(history.value, inverse)
    api.invoke('annotations:edit', { projectId: m.projectId, clientId, seq: mine, op }).catch((e: unknown) => {
      if (replica.value) replica.value = refused(replica.value, mine)
      errors.report(e)
    })
    return true
  }

  function step(which: 'undo' | 'redo') {
    const r = replica.value
    if (!r) return
    try {
      const next = (which === 'undo' ? undoStep : redoStep)(history.value, r.view)
      if (!next) {
        message.value = `Nothing to ${which}.`
        return
      }
      history.value = next.history
      edit(next.op, false)
      message.value = which === 'undo' ? 'Undone.' : 'Redone.'
    } catch (e) {
      if (!(e instanceof HistoryError)) throw e
      history.value = e.history
      message.value = e.message
    }
  }

  /** The set edits go to; a first one is made when the project has none. */
  function targetSet(): AnnotationSet | null {
    if (currentSet.value) return currentSet.value
    const set = newSet({ name: 'annotations' })
    if (!edit({ type: 'add-set', set })) return null
    currentSetId.value = set.id
    return set
  }

  const here = () => {
    const p = source.position
    if (!p) message.value = 'No frame yet: open a video and show a frame first.'
    return p
  }
  const where = (p: { index: number; pts: number }) => `frame ${p.index} (${formatPts(p.pts)})`

  function toggleKeyframe() {
    const p = here()
    const set = p && targetSet()
    if (!p || !set) return
    const existing = keyframeAtFrame(set, p.index)
    if (existing) {
      if (edit({ type: 'remove-keyframe', setId: set.id, id: existing.id })) {
        if (selected.value?.id === existing.id) selected.value = null
        message.value = `Removed the keyframe at ${where(p)}.`
      }
      return
    }
    const keyframe: Keyframe = { id: newId(), sourceFrame: p.index, pts: p.pts, label: '', note: '' }
    if (edit({ type: 'add-keyframe', setId: set.id, keyframe })) {
      selected.value = { kind: 'keyframe', id: keyframe.id }
      message.value = `Keyframe at ${where(p)}.`
    }
  }

  function markIn() {
    const p = here()
    const set = p && targetSet()
    if (!p || !set) return
    const s = selectedItem.value
    if (s && selected.value?.kind === 'segment') {
      if (edit({ type: 'update-segment', setId: set.id, id: s.id, fields: { inPts: p.pts } })) message.value = `Segment now starts at ${where(p)}.`
      return
    }
    pendingIn.value = p
    message.value = `In point at ${where(p)}: go to the last frame of the segment and press O.`
  }

  function markOut() {
    const p = here()
    const set = p && targetSet()
    if (!p || !set) return
    const start = pendingIn.value
    if (start) {
      const segment: Segment = { id: newId(), inPts: Math.min(start.pts, p.pts), outPts: Math.max(start.pts, p.pts), label: '', note: '' }
      if (edit({ type: 'add-segment', setId: set.id, segment })) {
        pendingIn.value = null
        selected.value = { kind: 'segment', id: segment.id }
        message.value = `Segment ${formatPts(segment.inPts)} – ${formatPts(segment.outPts)}.`
      }
      return
    }
    const s = selectedItem.value
    if (s && selected.value?.kind === 'segment') {
      if (edit({ type: 'update-segment', setId: set.id, id: s.id, fields: { outPts: p.pts } })) message.value = `Segment now ends at ${where(p)}.`
      return
    }
    message.value = 'Press I at the first frame of the segment first.'
  }

  function updateItem(ref: ItemRef, fields: { label?: string; note?: string; inPts?: number; outPts?: number }): boolean {
    const set = currentSet.value
    if (!set) return false
    const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
    if (ref.kind === 'keyframe') {
      const { label, note } = given as { label?: string; note?: string }
      return edit({ type: 'update-keyframe', setId: set.id, id: ref.id, fields: { ...(label !== undefined ? { label } : {}), ...(note !== undefined ? { note } : {}) } })
    }
    return edit({ type: 'update-segment', setId: set.id, id: ref.id, fields: given })
  }

  /** Key 1–9: the n-th palette label on the selected item; the same label again clears it. */
  function label(n: number) {
    const set = currentSet.value
    const item = selectedItem.value
    if (!set || !item || !selected.value) {
      message.value = 'Select a keyframe or segment first (K, I/O, [ ], or click one).'
      return
    }
    const name = set.palette[n - 1]
    if (name === undefined) {
      message.value = `The palette of "${set.name}" has ${set.palette.length} labels; key ${n} has none.`
      return
    }
    const next = item.label === name ? '' : name
    if (updateItem(selected.value, { label: next })) message.value = next ? `Labelled "${next}".` : 'Label removed.'
  }

  function editNote() {
    if (!selectedItem.value) {
      message.value = 'Select a keyframe or segment first.'
      return
    }
    noteRequest.value++
  }

  function deleteSelected() {
    const set = currentSet.value
    const ref = selected.value
    if (!set || !ref || !selectedItem.value) {
      message.value = 'Nothing selected to delete.'
      return
    }
    if (edit(ref.kind === 'keyframe' ? { type: 'remove-keyframe', setId: set.id, id: ref.id } : { type: 'remove-segment', setId: set.id, id: ref.id })) {
      selected.value = null
      message.value = `Deleted the ${ref.kind}.`
    }
  }

  /** Every item of the current set in time order (keyframes by pts, segments by in point). */
  const items = computed<(ItemRef & { time: number; item: Keyframe | Segment })[]>(() => {
    const set = currentSet.value
    if (!set) return []
    const all = [...set.keyframes.map((k) => ({ kind: 'keyframe' as const, id: k.id, time: k.pts, item: k })), ...set.segments.map((s) => ({ kind: 'segment' as const, id: s.id, time: s.inPts, item: s }))]
    return all.sort((a, b) => a.time - b.time)
  })

  /** Selects an item and shows its frame (a keyframe's own frame, a segment's first). */
  function select(ref: ItemRef) {
    const set = currentSet.value
    const item = set && findItem(set, ref)
    if (!item) return
    selected.value = ref
    if ('sourceFrame' in item) source.goTo(item.sourceFrame)
    else source.goToPts(item.inPts)
  }

  /** [ and ]: the previous or next item of the current set, from the current frame's time. */
  function jump(direction: 1 | -1) {
    const p = source.position
    const list = items.value
    if (!list.length) {
      message.value = 'No annotations in this set yet.'
      return
    }
    const now = p?.pts ?? -Infinity
    const next = direction > 0 ? list.find((i) => i.time > now + 1e-6) : [...list].reverse().find((i) => i.time < now - 1e-6)
    if (!next) {
      message.value = direction > 0 ? 'No annotation after this frame.' : 'No annotation before this frame.'
      return
    }
    select(next)
  }

  function escape() {
    helpOpen.value = false
    selected.value = null
    pendingIn.value = null
  }

  // --- sets ---

  function addSet(name: string) {
    const taken = new Set(project.value?.sets.map((s) => s.name) ?? [])
    let unique = name.trim() || 'annotations'
    for (let n = 2; taken.has(unique); n++) unique = `${name.trim() || 'annotations'} ${n}`
    const set = newSet({ name: unique, palette: currentSet.value?.palette })
    if (edit({ type: 'add-set', set })) {
      currentSetId.value = set.id
      selected.value = null
    }
  }

  const updateSet = (fields: { name?: string; annotator?: string; question?: string; palette?: string[] }) => currentSet.value && edit({ type: 'update-set', setId: currentSet.value.id, fields })

  function deleteSet() {
    const set = currentSet.value
    if (set && edit({ type: 'remove-set', setId: set.id })) {
      currentSetId.value = project.value?.sets[0]?.id ?? null
      selected.value = null
      message.value = `Deleted the set "${set.name}" (Ctrl+Z brings it back).`
    }
  }

  function switchSet(id: string) {
    currentSetId.value = id
    selected.value = null
    pendingIn.value = null
  }

  // --- import, export, agreement, files ---

  function importText(text: string, fileName: string, format: FormatId | 'auto', into?: string) {
    const p = project.value
    if (!p) return
    try {
      const f = format === 'auto' ? guessFormat(text, fileName) : formats[format]
      const read = f.read(text, { video: p.video, framePts: source.table?.pts })
      const plan = planImport(p, read.sets, into?.trim() || undefined)
      if (plan.op && !edit(plan.op)) return
      const target = project.value?.sets.find((s) => s.name === plan.sets[0])
      if (target) switchSet(target.id)
      message.value = [`Imported ${plan.keyframes} keyframes and ${plan.segments} segments (${f.name}) into ${plan.sets.map((s) => `"${s}"`).join(', ') || 'nothing'}${plan.skipped ? `; ${plan.skipped} were already there` : ''}.`, ...read.notices].join(' ')
    } catch (e) {
      errors.report(e)
    }
  }

  /** The current set (or every set) in `format`: the file's text and a name for it. */
  function exportText(format: FormatId, all: boolean): { text: string; fileName: string; mimeType: string } | null {
    const p = project.value
    const sets = all ? p?.sets : currentSet.value ? [currentSet.value] : []
    if (!p || !sets?.length) return null
    const f = formats[format]
    const name = `${videoStem(p.video.path)}${all ? '' : `.${sets[0].name.replace(/[^\w.-]+/g, '_')}`}.${f.id === 'lvhaystack' ? 'lvhaystack.json' : f.extension}`
    message.value = f.drops ? `${f.name} does not hold ${f.drops}.` : ''
    return { text: f.write(sets, { video: p.video }), fileName: name, mimeType: f.mimeType }
  }

  function agreement(otherSetId: string, delta: number): Agreement | undefined {
    const other = project.value?.sets.find((s) => s.id === otherSetId)
    return currentSet.value && other ? setAgreement(currentSet.value, other, delta) : undefined
  }

  async function fileAction(action: 'save-as' | 'open-file' | 'recover', file = '') {
    const m = meta.value
    if (!m) return
    try {
      if (action === 'save-as') adopt(await api.invoke('annotations:save-as', { projectId: m.projectId, file }))
      else if (action === 'recover') adopt(await api.invoke('annotations:recover', { projectId: m.projectId }))
      else adopt(await api.invoke('annotations:open', { videoPath: video.path, file }))
      message.value = action === 'recover' ? 'Recovered: the last good state is saved again.' : `Project file: ${meta.value?.file}`
    } catch (e) {
      errors.report(e)
    }
  }

  return {
    clientId, meta, project, history, currentSetId, currentSet, selected, selectedItem, pendingIn, message, helpOpen, noteRequest, goToRequest, readOnly, items, pendingEdits,
    init, edit, undo: () => step('undo'), redo: () => step('redo'), toggleKeyframe, markIn, markOut, label, editNote, deleteSelected, updateItem, select, jump, escape,
    addSet, updateSet, deleteSet, switchSet, importText, exportText, agreement, fileAction,
  }
})
