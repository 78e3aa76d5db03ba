/**
 * The method catalogue and the two method slots A and B: each slot holds a method (or a
 * composition frame-selection + spatial), its parameters per stage, and its latest result.
 * Results recompute debounced after any change; the work runs in main's worker, and responses
 * that arrive after a newer request are dropped.
 */
import { defineStore } from 'pinia'
import { computed, markRaw, reactive, ref, watch } from 'vue'
import type { RunMethodResponse } from '../../../common/ipc/contract'
import type { Budget, MethodInfo, ParamSchema, ParamValues } from '../../../common/compression/types'
import type { TokenMap } from '../../../common/token-map'
import { decodeTokenMap } from '../../../common/codec/token-map-codec'
import { useApi } from '../api/use-api'
import { useErrorStore } from './errors'
import { useVideoStore } from './video'
import { useQueryStore } from './query'
import { errorMessage } from '../util/format'

export type SlotId = 'a' | 'b'
export const SLOT_IDS: readonly SlotId[] = ['a', 'b']

/** The pause after the last change before a result is recomputed (the bench uses it too). */
export const RECOMPUTE_DEBOUNCE_MS = 150
const SEED = 0
/** Prefixes this window's run slots, so two windows on one host never supersede each other's runs. */
const WINDOW_ID = Math.random().toString(36).slice(2, 10)

/** A result ready for drawing: decoded once when it arrives. */
export interface SlotResult {
  methodId: string
  /** The budget it was computed for (as sent to method:run). */
  budget: Budget
  response: RunMethodResponse
  map: TokenMap
}

export interface Slot {
  id: SlotId
  /** Method id ('' = slot off); a frame-selection method may be followed by `spatialId`. */
  methodId: string
  spatialId: string
  /** Values per stage method id, initialised from each schema's defaults. */
  params: Record<string, ParamValues>
  result: SlotResult | null
  running: boolean
  error: string | null
}

/** What a budget is given in: a share of all input tokens, or a token count for the whole video. */
export type BudgetUnit = 'ratio' | 'tokens'

export interface BudgetState {
  unit: BudgetUnit
  ratio: number
  tokens: number
}

export const useMethodsStore = defineStore('methods', () => {
  const api = useApi()
  const errors = useErrorStore()
  const video = useVideoStore()
  const query = useQueryStore()

  const catalogue = ref<MethodInfo[]>([])
  const byId = computed(() => new Map(catalogue.value.map((m) => [m.id, m])))
  const families = computed(() => {
    const out = new Map<string, MethodInfo[]>()
    for (const m of catalogue.value) {
      if (!out.has(m.family)) out.set(m.family, [])
      out.get(m.family)!.push(m)
    }
    return out
  })
  const spatialMethods = computed(() => catalogue.value.filter((m) => m.kind === 'spatial'))

  const newSlot = (id: SlotId): Slot => ({ id, methodId: '', spatialId: '', params: {}, result: null, running: false, error: null })
  const slots = reactive<Record<SlotId, Slot>>({ a: newSlot('a'), b: newSlot('b') })

  const budget = reactive<BudgetState>({ unit: 'ratio', ratio: 0.1, tokens: 2000 })
  const separateBudgetB = ref(false)
  const budgetB = reactive<BudgetState>({ unit: 'ratio', ratio: 0.25, tokens: 2000 })

  const budgetOf = (slot: SlotId): Budget => {
    const b = slot === 'b' && separateBudgetB.value ? budgetB : budget
    return b.unit === 'ratio' ? { ratio: b.ratio } : { tokens: Math.max(1, Math.round(b.tokens)) }
  }

  /** The id sent to method:run: `frame+spatial` for a composition. */
  const runId = (s: Slot): string => (s.spatialId && byId.value.get(s.methodId)?.kind === 'frame-selection' ? `${s.methodId}+${s.spatialId}` : s.methodId)

  /** The stages of a slot, in order. */
  const stagesOf = (s: Slot): MethodInfo[] => runId(s).split('+').map((id) => byId.value.get(id)).filter((m): m is MethodInfo => !!m)

  /** Why method `m` cannot run on the current session, or null. */
  function unavailable(m: MethodInfo): string | null {
    const model = video.models.find((x) => x.id === (video.session?.modelId ?? video.modelId))
    const text = model?.textRelevance
    if (m.needs.textQuery && !m.needs.queryOptional && model && !text) return 'needs a text-capable model: tokenscope models pull clip-vit-b16'
    if (m.needs.textQuery === 'patch' && !m.needs.queryOptional && model && text !== 'frame-and-patch') return 'needs per-patch text relevance'
    if (m.needs.cls && model && !model.hasClassToken) return 'needs a model with a class token'
    const kind = video.session?.importanceKind ?? model?.importanceKind
    if (m.needs.importance === 'required' && kind !== 'cls-attention') return 'needs real class attention'
    return null
  }

  const defaults = (schema: ParamSchema): ParamValues => Object.fromEntries(Object.entries(schema).map(([k, spec]) => [k, spec.default]))

  function ensureParams(s: Slot) {
    for (const m of stagesOf(s)) if (!s.params[m.id]) s.params[m.id] = defaults(m.params)
  }

  function setMethod(slot: SlotId, methodId: string, spatialId = '') {
    const s = slots[slot]
    s.methodId = methodId
    s.spatialId = byId.value.get(methodId)?.kind === 'frame-selection' ? spatialId : ''
    s.error = null
    ensureParams(s)
  }

  function resetParams(slot: SlotId) {
    const s = slots[slot]
    for (const m of stagesOf(s)) s.params[m.id] = defaults(m.params)
  }

  /** Request params: plain names for one method, `stage.name` for a composition. */
  function requestParams(s: Slot): ParamValues {
    const stages = stagesOf(s)
    if (stages.length === 1) return { ...(s.params[stages[0].id] ?? {}) }
    const out: ParamValues = {}
    for (const m of stages) for (const [k, v] of Object.entries(s.params[m.id] ?? {})) out[`${m.id}.${k}`] = v
    return out
  }

  async function init() {
    try {
      catalogue.value = await api.invoke('methods:list', undefined)
      const pick = (...ids: string[]) => ids.find((id) => byId.value.has(id)) ?? catalogue.value[0]?.id ?? ''
      if (!slots.a.methodId) setMethod('a', pick('tome', 'random-prune'))
      if (!slots.b.methodId) setMethod('b', pick('random-prune', 'uniform-frames', 'avg-pool'))
    } catch (e) {
      errors.report(e)
    }
  }

  const timers: Record<SlotId, ReturnType<typeof setTimeout> | null> = { a: null, b: null }
  const seqs: Record<SlotId, number> = { a: 0, b: 0 }
  /** Per slot, the token map before the one shown: the next result is decoded into its arrays. */
  const spares: Record<SlotId, TokenMap | undefined> = { a: undefined, b: undefined }

  function schedule(slot: SlotId) {
    if (timers[slot]) clearTimeout(timers[slot]!)
    timers[slot] = setTimeout(() => {
      timers[slot] = null
      void run(slot)
    }, RECOMPUTE_DEBOUNCE_MS)
  }

  async function run(slot: SlotId) {
    const s = slots[slot]
    const session = video.session
    const seq = ++seqs[slot]
    if (!session || !s.methodId || video.framesReady === 0) {
      s.running = false
      return
    }
    const methodId = runId(s)
    const budget = budgetOf(slot)
    s.running = true
    try {
      const response = await api.invoke('method:run', {
        videoKey: session.videoKey,
        methodId,
        budget,
        params: requestParams(s),
        seed: SEED,
        ...(query.active ? { query: query.active } : {}),
        slot: `${WINDOW_ID}/${slot}`,
      })
      if (seq !== seqs[slot]) return // a newer request superseded this one
      // Decode into the map before last (never the one on screen): no fresh memory per result.
      const map = decodeTokenMap(response.map, spares[slot])
      spares[slot] = s.result?.map
      s.result = markRaw({ methodId, budget, response, map })
      s.error = null
    } catch (e) {
      if (seq !== seqs[slot]) return
      s.error = errorMessage(e)
      errors.report(e)
    } finally {
      if (seq === seqs[slot]) s.running = false
    }
  }

  // Recompute on any change of method, params, budget or query, on a new video, and when the analysis completes.
  for (const id of SLOT_IDS) {
    watch(
      () => [runId(slots[id]), JSON.stringify(requestParams(slots[id])), JSON.stringify(budgetOf(id)), video.session?.videoKey, video.complete, query.active],
      () => schedule(id),
    )
    // The first frames of a running analysis: give the user something to look at.
    watch(
      () => video.framesReady > 0 && !slots[id].result,
      (ready) => ready && schedule(id),
    )
    watch(
      () => video.session?.videoKey,
      () => (slots[id].result = null),
    )
  }

  return {
    catalogue, byId, families, spatialMethods, slots, budget, separateBudgetB, budgetB,
    init, setMethod, resetParams, stagesOf, runId, requestParams, unavailable, budgetOf, run, schedule,
  }
})
