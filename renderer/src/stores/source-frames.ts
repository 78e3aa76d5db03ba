/**
 * Stepping through the video's source frames (every frame, exact; main/video/frame-stepper.ts):
 * the frame table of the open video, the current source frame (the one stepped to, or the frame
 * of the analysed frame on screen), and latest-only fetching, so holding `.` never queues
 * requests: each step moves the wish, and the newest wish is fetched when the last one lands.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { FrameTable } from '../../../common/ipc/contract'
import { frameWithPts, nearestFrame } from '../../../common/annotations/frames'
import { useApi } from '../api/use-api'
import { useErrorStore } from './errors'
import { useFrameStore } from './frame'
import { useVideoStore } from './video'

export interface SourcePosition {
  /** Index in the frame table (0-based). */
  index: number
  /** The frame's presentation timestamp (s). */
  pts: number
}

export const useSourceFramesStore = defineStore('sourceFrames', () => {
  const api = useApi()
  const errors = useErrorStore()
  const video = useVideoStore()
  const frame = useFrameStore()

  const table = shallowRef<FrameTable | null>(null)
  /** Source frames per Shift+, / Shift+. step. */
  const hop = ref(10)
  /** The frame asked for last (null: none since the video opened). */
  const wanted = ref<number | null>(null)
  const count = computed(() => table.value?.pts.length ?? 0)

  /** The current source frame: the one stepped to, else the frame of the (sampled or previewed) image on screen. */
  const position = computed<SourcePosition | null>(() => {
    const t = table.value
    const img = frame.image
    if (!t || !img) return null
    if (frame.sourceFrame !== null) return { index: frame.sourceFrame, pts: img.pts }
    const exact = frameWithPts(t.pts, img.pts)
    const index = exact >= 0 ? exact : nearestFrame(t.pts, img.pts)
    return { index, pts: t.pts[index] }
  })

  let tableFor = ''
  watch(
    () => video.path,
    async (path) => {
      table.value = null
      wanted.value = null
      tableFor = path
      if (!path) return
      try {
        const t = await api.invoke('video:frame-table', { path })
        if (tableFor !== path) return
        table.value = t
        // Nothing on screen yet (no analysis): show the first frame, ready for stepping.
        if (!frame.image) goTo(0)
      } catch (e) {
        errors.report(e)
      }
    },
    { immediate: true },
  )

  let loading = false
  async function load() {
    if (loading) return
    loading = true
    try {
      let shown = -1
      while (wanted.value !== null && wanted.value !== shown && table.value) {
        const index = wanted.value
        const path = video.path
        const img = await api.invoke('video:source-frame', { path, index, maxWidth: frame.maxWidth })
        shown = index
        if (path !== video.path) break
        const sampled = nearestFrame(video.pts, img.pts, video.framesReady)
        const exact = sampled >= 0 && Math.abs(video.pts[sampled] - img.pts) < 1e-4
        frame.showSource(img, img.index, sampled, exact)
      }
    } catch (e) {
      errors.report(e)
    } finally {
      loading = false
    }
  }

  /** Shows source frame `index` (clamped). */
  function goTo(index: number) {
    if (!table.value) return
    wanted.value = Math.min(count.value - 1, Math.max(0, Math.round(index)))
    void load()
  }

  /** Steps `delta` source frames from the last frame asked for (or the one on screen); the first step shows frame 0. */
  function step(delta: number) {
    const from = wanted.value ?? position.value?.index
    goTo(from === undefined ? 0 : from + delta)
  }

  /** Shows the frame whose timestamp is nearest to `pts` (an annotation's time). */
  function goToPts(pts: number) {
    if (table.value) goTo(nearestFrame(table.value.pts, pts))
  }

  // Moving through analysed frames (←/→, the timeline) makes that frame the starting point of the next step.
  watch(
    () => frame.sourceFrame === null && frame.image,
    (img) => {
      if (img) wanted.value = null
    },
  )

  return { table, hop, count, position, wanted, goTo, step, goToPts }
})
