/**
 * The A/B comparison: which view the work area shows (one frame, A and B side by side or their
 * difference, the budget sweep), the zoom, pan and hovered patch the compare panes share, the
 * patch-by-patch difference of the two results (common/compare/difference.ts) and the jumps it
 * allows (the frames where they disagree most, the nearest frame a method kept), and the keyframe
 * scores of each result against the chosen annotation set of the video's project within ±δ
 * (live: an edit to that set rescores at once, with no new run).
 */
import { defineStore } from 'pinia'
import { computed, markRaw, ref, watch } from 'vue'
import { differenceMetrics, tokenMapDifference } from '../../../common/compare/difference'
import { DEFAULT_DELTA_SECONDS, keyframeMetrics, methodKeyframes } from '../../../common/metrics/temporal'
import { annotatedTimes, chooseScoredSet } from '../../../common/compare/annotated-times'
import { disagreementStops, nearestKept, nextStop } from '../compare/navigation'
import { FIT_VIEW, type ZoomView } from '../frame/viewport'
import { SLOT_IDS, useMethodsStore, type SlotId, type SlotResult } from './methods'
import { useFrameStore } from './frame'
import { useVideoStore } from './video'
import { useAnnotationsStore } from './annotations'

export type WorkView = 'frame' | 'compare' | 'sweep'
export type CompareMode = 'side-by-side' | 'difference'

/** Annotated times (s) of the chosen annotation set. */
export interface AnnotationTimes {
  id: string
  name: string
  times: number[]
}

/** The scored-set choice that scores nothing. */
export const NO_SET = 'none'

export const useCompareStore = defineStore('compare', () => {
  const methods = useMethodsStore()
  const frame = useFrameStore()
  const video = useVideoStore()
  const annotationStore = useAnnotationsStore()

  const view = ref<WorkView>('frame')
  const mode = ref<CompareMode>('side-by-side')
  const zoom = ref<ZoomView>(FIT_VIEW)
  /** The patch under the pointer in either pane (both panes show its group), -1 for none. */
  const hoverPatch = ref(-1)
  const showHeat = ref(false)
  const showMap = ref(true)
  const opacity = ref(0.7)

  /** A's and B's results, when both are there. */
  const pair = computed<[SlotResult, SlotResult] | null>(() => {
    const [a, b] = SLOT_IDS.map((id) => (methods.slots[id].methodId ? methods.slots[id].result : null))
    return a && b ? [a, b] : null
  })
  const difference = computed(() => (pair.value ? markRaw(tokenMapDifference(pair.value[0].map, pair.value[1].map)) : null))
  const metrics = computed(() => (difference.value ? differenceMetrics(difference.value) : null))
  const stops = computed(() => (difference.value ? disagreementStops(difference.value.disagreement) : new Int32Array(0)))

  /** Shows the next (dir 1) or previous (dir −1) frame where A and B disagree most. */
  function jumpDisagreement(dir: 1 | -1) {
    const t = nextStop(stops.value, frame.index, dir)
    if (t >= 0) frame.show(t)
  }

  /** Whether slot `id`'s result drops the frame shown (keeps none of its patches). */
  const drops = (id: SlotId): boolean => {
    const r = methods.slots[id].result
    const t = frame.index
    return !!r && t < r.map.frameCount && r.map.keptFrames[t] === 0
  }
  /** The frame slot `id` kept that is nearest to the one shown, −1 when none. */
  const nearestKeptOf = (id: SlotId): number => {
    const r = methods.slots[id].result
    return r ? nearestKept(r.map.keptFrames, Math.min(frame.index, r.map.frameCount - 1)) : -1
  }
  /** Shows the nearest frame kept by the first slot that drops the frame shown. */
  function jumpToKept() {
    const id = SLOT_IDS.find(drops)
    const t = id ? nearestKeptOf(id) : -1
    if (t >= 0) frame.show(t)
  }

  /**
   * The id of the project's annotation set keyframes are scored against; null: the first set
   * that marks anything (as `compare --annotations` without --set), NO_SET: none.
   */
  const scoredSetId = ref<string | null>(null)
  const scoredSet = computed(() => {
    const sets = annotationStore.project?.sets ?? []
    if (scoredSetId.value === NO_SET) return undefined
    return (scoredSetId.value === null ? undefined : sets.find((s) => s.id === scoredSetId.value)) ?? chooseScoredSet(sets)
  })
  /** The chosen set's annotated times; null when no set is chosen or it marks nothing. */
  const annotations = computed<AnnotationTimes | null>(() => {
    const set = scoredSet.value
    const times = set ? annotatedTimes(set) : []
    return set && times.length ? { id: set.id, name: set.name, times } : null
  })
  /** The tolerance (s). */
  const deltaSeconds = ref(DEFAULT_DELTA_SECONDS)
  const keyframeScores = computed(() =>
    Object.fromEntries(
      SLOT_IDS.map((id) => {
        const r = methods.slots[id].result
        const a = annotations.value
        return [id, r && a ? (keyframeMetrics(video.pts, methodKeyframes({ report: r.response.report, map: r.map }), a.times, deltaSeconds.value) ?? null) : null]
      }),
    ) as Record<SlotId, ReturnType<typeof keyframeMetrics> | null>,
  )

  // A new video starts unzoomed.
  watch(
    () => video.session?.videoKey,
    () => {
      zoom.value = FIT_VIEW
      hoverPatch.value = -1
      scoredSetId.value = null
    },
  )

  return {
    view, mode, zoom, hoverPatch, showHeat, showMap, opacity,
    difference, metrics, stops, jumpDisagreement, drops, nearestKeptOf, jumpToKept,
    scoredSetId, annotations, deltaSeconds, keyframeScores,
  }
})
