/** Timeline zoom and scroll (css px), kept within the video; follows the playhead. */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { clampScroll, contentWidth, levelToFit, maxLevel, ppsOfLevel, scrollToShow, zoomAround } from '../timeline/layout'
import { useVideoStore } from './video'
import { useFrameStore } from './frame'

/** At the deepest zoom one sampled frame spans this many css px. */
const MAX_PX_PER_FRAME = 240

export const useTimelineStore = defineStore('timeline', () => {
  const video = useVideoStore()
  const frame = useFrameStore()

  /** Width of the canvases (css px), set by the Timeline component. */
  const width = ref(800)
  const level = ref(0)
  const scroll = ref(0)

  const extent = computed(() => {
    const n = video.framesReady
    const lastEnd = n > 0 ? video.pts[n - 1] + video.lastInterval : 0
    return Math.max(video.duration, lastEnd)
  })
  const fitLevel = computed(() => levelToFit(extent.value, width.value))
  const deepestLevel = computed(() => Math.max(fitLevel.value, maxLevel(video.lastInterval, MAX_PX_PER_FRAME)))
  const pps = computed(() => ppsOfLevel(level.value))
  const zoomed = computed(() => level.value > fitLevel.value)
  const visibleSeconds = computed(() => width.value / pps.value)

  const clamp = (s: number) => clampScroll(s, contentWidth(extent.value, pps.value), width.value)

  function setLevel(k: number, anchorX = playheadX()) {
    const next = Math.min(deepestLevel.value, Math.max(fitLevel.value, Math.round(k)))
    if (next === level.value) return
    const old = pps.value
    level.value = next
    scroll.value = clamp(zoomAround(scroll.value, anchorX, old, ppsOfLevel(next)))
  }

  const zoomBy = (steps: number, anchorX?: number) => setLevel(level.value + steps, anchorX)
  const scrollBy = (dx: number) => (scroll.value = clamp(scroll.value + dx))

  function fitAll() {
    level.value = fitLevel.value
    scroll.value = 0
  }

  /** Viewport x of the playhead, or the centre when it is off screen. */
  function playheadX(): number {
    const t = video.pts[frame.index]
    const x = t === undefined ? NaN : t * pps.value - scroll.value
    return Number.isFinite(x) && x >= 0 && x <= width.value ? x : width.value / 2
  }

  // Whole video on a new video or when the view gets wider than the content.
  watch(
    () => video.session?.videoKey ?? video.path,
    () => fitAll(),
  )
  watch(fitLevel, (fit, before) => {
    if (level.value <= before || level.value < fit) level.value = fit
    scroll.value = clamp(scroll.value)
  })
  // Keep the playhead in view while stepping and playing.
  watch(
    () => frame.index,
    (i) => {
      const t = video.pts[i]
      if (t === undefined) return
      scroll.value = clamp(scrollToShow(scroll.value, width.value, t * pps.value, Math.min(80, width.value / 4)))
    },
  )

  return { width, level, scroll, extent, fitLevel, deepestLevel, pps, zoomed, visibleSeconds, setLevel, zoomBy, scrollBy, fitAll }
})
