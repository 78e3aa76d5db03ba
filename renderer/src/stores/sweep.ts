/**
 * The budget sweep: up to six methods at a list of budgets, computed in main's method workers
 * (`sweep:run`, progress from `sweep:progress`, `sweep:cancel`), and what the plot shows: a metric
 * against the share of tokens each method really kept. Keyframe F1 is scored here against the
 * compare view's annotation set and δ (sweep/series.ts). Choosing a point sets that method and
 * budget in slot A or B and opens the compare view.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { SWEEP_MAX_METHODS, type SweepPoint, type SweepProgress } from '../../../common/ipc/contract'
import type { ParamValues } from '../../../common/compression/types'
import { useApi } from '../api/use-api'
import { DEFAULT_SWEEP_BUDGETS, parseBudgets, plotPoints, type KeyframeScoring, type PlotPoint, type SweepMetric } from '../sweep/series'
import { SLOT_IDS, useMethodsStore, type SlotId } from './methods'
import { useCompareStore } from './compare'
import { useErrorStore } from './errors'
import { useVideoStore } from './video'
import { useQueryStore } from './query'

const SEED = 0

export const useSweepStore = defineStore('sweep', () => {
  const api = useApi()
  const methods = useMethodsStore()
  const compare = useCompareStore()
  const errors = useErrorStore()
  const video = useVideoStore()
  const query = useQueryStore()

  /** Method ids (or compositions) to sweep, '' = unused row; SWEEP_MAX_METHODS rows. */
  const chosen = ref<string[]>(Array.from({ length: SWEEP_MAX_METHODS }, () => ''))
  const budgetsText = ref(DEFAULT_SWEEP_BUDGETS.map((b) => String(b * 100)).join(', '))
  const budgets = computed(() => parseBudgets(budgetsText.value))
  const metric = ref<SweepMetric>('tokenFidelity')

  const running = ref(false)
  const progress = ref<SweepProgress | null>(null)
  const points = shallowRef<SweepPoint[]>([])
  const cancelled = ref(false)
  /** The video the points belong to. */
  const pointsVideo = ref<string | null>(null)
  let sweepId = ''
  let counter = 0

  /** Fills the empty rows with A's and B's methods (once there are any). */
  function seedFromSlots() {
    const ids = SLOT_IDS.map((id) => methods.runId(methods.slots[id])).filter(Boolean)
    if (chosen.value.some(Boolean) || !ids.length) return
    chosen.value = Array.from({ length: SWEEP_MAX_METHODS }, (_, i) => ids[i] ?? '')
  }

  /** A method's parameters: those of the slot showing it, else its defaults (sent empty). */
  function paramsOf(methodId: string): ParamValues {
    const slot = SLOT_IDS.find((id) => methods.runId(methods.slots[id]) === methodId)
    return slot ? methods.requestParams(methods.slots[slot]) : {}
  }

  const selection = computed(() => [...new Set(chosen.value.filter(Boolean))])

  api.on('sweep:progress', (p) => {
    if (p.sweepId === sweepId) progress.value = p
  })

  async function run() {
    const session = video.session
    const list = budgets.value
    if (!session || typeof list === 'string' || !selection.value.length || running.value) return
    sweepId = `sweep-${++counter}-${Math.random().toString(36).slice(2, 8)}`
    running.value = true
    cancelled.value = false
    progress.value = { sweepId, done: 0, total: selection.value.length * list.length, methodId: '', budget: 0 }
    try {
      const result = await api.invoke('sweep:run', {
        videoKey: session.videoKey,
        methods: selection.value.map((methodId) => ({ methodId, params: paramsOf(methodId) })),
        budgets: list,
        seed: SEED,
        ...(query.active ? { query: query.active } : {}),
        sweepId,
      })
      points.value = result.points
      cancelled.value = result.cancelled
      pointsVideo.value = session.videoKey
    } catch (e) {
      errors.report(e)
    } finally {
      running.value = false
    }
  }

  function cancel() {
    if (running.value) void api.invoke('sweep:cancel', { sweepId }).catch(errors.report)
  }

  const scoring = computed<KeyframeScoring | undefined>(() =>
    compare.annotations ? { pts: video.pts, annotated: compare.annotations.times, deltaSeconds: compare.deltaSeconds } : undefined,
  )
  const plotted = computed<PlotPoint[]>(() => (pointsVideo.value === video.session?.videoKey ? plotPoints(points.value, metric.value, scoring.value) : []))

  /** Sets the point's method and budget in `slot` and shows the compare view. */
  function choose(p: PlotPoint, slot: SlotId) {
    const [first, second = ''] = p.methodId.split('+')
    methods.setMethod(slot, first, second)
    if (slot === 'a') methods.budget.unit = 'ratio'
    else {
      methods.separateBudgetB = true
      methods.budgetB.unit = 'ratio'
    }
    ;(slot === 'a' ? methods.budget : methods.budgetB).ratio = p.budget
    compare.view = 'compare'
  }

  return { chosen, budgetsText, budgets, metric, running, progress, points, cancelled, selection, scoring, plotted, seedFromSlots, run, cancel, choose }
})
