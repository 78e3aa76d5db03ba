/**
 * The current sampled frame: its index, the decoded image drawn for it (latest-only fetching, so
 * dragging the playhead never queues requests), its importance map, and playback at the frames'
 * real pts pace.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { FrameImage } from '../../../common/ipc/contract'
import { useApi } from '../api/use-api'
import { useErrorStore } from './errors'
import { useVideoStore } from './video'
import { stepFrame } from '../util/frames'

const IMAGE_CACHE_SIZE = 32

export const useFrameStore = defineStore('frame', () => {
  const api = useApi()
  const errors = useErrorStore()
  const video = useVideoStore()

  /** The frame asked for (index into the signals' pts). */
  const index = ref(0)
  /** The image on screen and the frame it belongs to (set together, when it arrives). */
  const image = shallowRef<FrameImage | null>(null)
  const imageIndex = ref(-1)
  const importance = shallowRef<Float32Array | null>(null)
  const importanceIndex = ref(-1)
  /** Width (device px) to decode at; FrameView sets it from its size, in coarse buckets. */
  const maxWidth = ref(960)
  const playing = ref(false)
  /** Before any sampled frame exists: the time scrubbed to on the timeline (its frame is shown). */
  const previewTime = ref<number | null>(null)
  /** The source frame on screen (index into the video's frame table) when it was stepped to; null otherwise. */
  const sourceFrame = ref<number | null>(null)
  /** Bumped by showSource, so that a sampled image still loading does not replace the source frame. */
  let sourceShown = 0

  const count = computed(() => video.framesReady)

  const cache = new Map<string, FrameImage>()

  /** Shows sampled frame i (clamped); `force` reloads even when it is already on screen. */
  function show(i: number, force = false) {
    if (count.value === 0) return
    const next = stepFrame(i, 0, count.value)
    if (!force && next === index.value && imageIndex.value === next) return
    index.value = next
    loadImage()
    loadImportance()
  }

  const step = (delta: number) => show(index.value + delta)

  /** Shows the video's frame at time `t` (s) while nothing is encoded yet (quick-look scrubbing). */
  function preview(t: number) {
    if (count.value > 0 || !video.path) return
    previewTime.value = Math.max(0, t)
    loadImage()
  }

  // Latest-only loading: one request at a time; when it lands, draw it, then fetch the newest wish.
  let loading = false
  let reload = false
  async function loadImage() {
    if (loading) {
      reload = true
      return
    }
    loading = true
    const shownBefore = sourceShown
    try {
      do {
        reload = false
        // A sampled frame once there are any, else the previewed time (video:frame needs no analysis).
        const i = count.value > 0 ? index.value : -1
        const path = video.path
        const pts = i >= 0 ? video.pts[i] : (previewTime.value ?? undefined)
        if (!path || pts === undefined) break
        const key = `${path}|${pts}|${maxWidth.value}`
        let img = cache.get(key)
        if (img) cache.delete(key)
        else img = await api.invoke('video:frame', { path, pts, maxWidth: maxWidth.value })
        cache.set(key, img)
        if (cache.size > IMAGE_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
        if (path === video.path && shownBefore === sourceShown) {
          image.value = img
          imageIndex.value = i
          sourceFrame.value = null
        }
      } while (reload)
    } catch (e) {
      errors.report(e)
      playing.value = false
    } finally {
      loading = false
    }
  }

  let importanceSeq = 0
  async function loadImportance() {
    const s = video.session
    const i = index.value
    const seq = ++importanceSeq
    if (!s || !s.importanceKind) {
      importance.value = null
      importanceIndex.value = -1
      return
    }
    try {
      const map = await api.invoke('tokens:importance', { videoKey: s.videoKey, frame: i })
      if (seq !== importanceSeq) return
      importance.value = map
      importanceIndex.value = i
    } catch (e) {
      if (seq === importanceSeq) errors.report(e)
    }
  }

  /**
   * Shows a source frame decoded exactly (stores/source-frames.ts). `sampled`: the analysed frame
   * nearest to it (the timeline's playhead), -1 without any; `exact`: it is that analysed frame
   * (its overlays apply).
   */
  function showSource(img: FrameImage, sourceIndex: number, sampled: number, exact: boolean) {
    sourceShown++
    playing.value = false
    if (sampled >= 0) index.value = sampled
    image.value = img
    imageIndex.value = exact ? sampled : -1
    sourceFrame.value = sourceIndex
    if (exact) loadImportance()
  }

  // Playback: advance through the sampled frames at their real pts spacing.
  let playTimer: ReturnType<typeof setTimeout> | null = null
  function scheduleNext() {
    if (!playing.value) return
    const i = index.value
    if (i + 1 >= count.value) {
      playing.value = false
      return
    }
    const wait = Math.max(0, (video.pts[i + 1] - video.pts[i]) * 1000)
    playTimer = setTimeout(() => {
      playTimer = null
      if (!playing.value) return
      show(i + 1)
      scheduleNext()
    }, wait)
  }

  function togglePlay() {
    playing.value = !playing.value
    if (playTimer) clearTimeout(playTimer)
    playTimer = null
    if (playing.value) {
      if (index.value + 1 >= count.value) show(0)
      scheduleNext()
    }
  }

  // A new video starts at frame 0; the first frames to arrive are shown at once.
  watch(
    () => video.session?.videoKey,
    () => {
      playing.value = false
      image.value = null
      imageIndex.value = -1
      importance.value = null
      importanceIndex.value = -1
      index.value = 0
      cache.clear()
    },
  )
  watch(
    () => video.path,
    () => (previewTime.value = null),
  )
  watch(count, (n, before) => {
    if (n > 0 && (before === 0 || imageIndex.value < 0)) show(Math.min(index.value, n - 1), true)
  })
  watch(maxWidth, () => {
    if (imageIndex.value >= 0) show(index.value, true)
  })

  return { index, image, imageIndex, importance, importanceIndex, maxWidth, playing, previewTime, sourceFrame, count, show, step, preview, togglePlay, showSource }
})
