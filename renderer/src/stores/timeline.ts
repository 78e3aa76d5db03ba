/** Timeline zoom and scroll (css px), kept within the video; follows the playhead. */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { clampScroll, contentWidth, exactFitLevel, maxLevel, ppsOfLevel, scrollToShow, timeToX, zoomAround, type Viewport } from '../timeline/layout'
import { useVideoStore } from './video'
import { useFrameStore } from './frame'

/** At the deepest zoom one sampled frame spans this many css px. */
const MAX_PX_PER_FRAME = 240

export const useTimelineStore = defineStore('timeline', () => {
  const video = useVideoStore()
  const frame = useFrameStore()

  /** Width of the canvases (css px), set by the Timeline component. */
  const width = ref(800)
  /** Zoom in whole √2 steps above the level that fits the whole video. */
  const steps = ref(0)
  const scroll = ref(0)

  const extent = computed(() => {
    const n = video.framesReady
    const lastEnd = n > 0 ? video.pts[n - 1] + video.lastInterval : 0
    return Math.max(video.duration, lastEnd)
  })
  const fitLevel = computed(() => exactFitLevel(extent.value, width.value))
  const maxSteps = computed(() => Math.max(0, Math.ceil(maxLevel(video.lastInterval, MAX_PX_PER_FRAME) - fitLevel.value)))
  const level = computed(() => fitLevel.value + steps.value)
  const pps = computed(() => ppsOfLevel(level.value))
  const zoomed = computed(() => steps.value > 0)
  const visibleSeconds = computed(() => width.value / pps.value)
  const viewport = computed<Viewport>(() => ({ scroll: scroll.value, width: width.value, pps: pps.value }))

  const clamp = (s: number) => clampScroll(s, contentWidth(extent.value, pps.value), width.value)

  /** Zooms by `delta` √2 steps, keeping the time under viewport x `anchorX` (default: the playhead) in place. */
  function zoomBy(delta: number, anchorX = playheadX()) {
    const next = Math.min(maxSteps.value, Math.max(0, steps.value + Math.round(delta)))
    if (next === steps.value) return
    const old = pps.value
    steps.value = next
    scroll.value = clamp(zoomAround(scroll.value, anchorX, old, pps.value))
  }
  const scrollBy = (dx: number) => (scroll.value = clamp(scroll.value + dx))

  function fitAll() {
    steps.value = 0
    scroll.value = 0
  }

  /** Viewport x of the playhead, or the centre when it is off screen. */
  function playheadX(): number {
    const t = video.pts[frame.index]
    const x = t === undefined ? NaN : timeToX(t, viewport.value)
    return Number.isFinite(x) && x >= 0 && x <= width.value ? x : width.value / 2
  }

  // Whole video on a new video.
  watch(
    () => video.session?.videoKey ?? video.path,
    () => fitAll(),
  )
  watch(fitLevel, () => {
    steps.value = Math.min(steps.value, maxSteps.value)
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

  return { width, steps, level, scroll, extent, fitLevel, maxSteps, pps, zoomed, visibleSeconds, viewport, zoomBy, scrollBy, fitAll }
})
