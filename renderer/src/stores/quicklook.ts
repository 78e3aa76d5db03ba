/**
 * The quick look's keyframe thumbnails and colour novelty (`quicklook:frames` batches), kept for
 * the timeline's keyframe strip and "keyframe novelty" row while the full analysis runs.
 *
 * Batches carry the id `video:quick-look` answered with; batches that arrive before that answer
 * (Electron does not order events after replies) wait in `early` until the id is known.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef, triggerRef, watch } from 'vue'
import type { QuickLookFrames } from '../../../common/ipc/contract'
import { useApi } from '../api/use-api'
import { useVideoStore } from './video'

/** Batches held while the id of the quick look they belong to is not known yet. */
const EARLY_MAX = 256

export const useQuickLookStore = defineStore('quicklook', () => {
  const api = useApi()
  const video = useVideoStore()

  /**
   * Keyframe pts and colour novelty [count] of the thumbnails received so far (capacity grows by
   * doubling; written in place, then triggered).
   */
  const pts = shallowRef(new Float64Array(0))
  const novelty = shallowRef(new Float32Array(0))
  const count = ref(0)
  const size = ref({ width: 0, height: 0 })
  /** Thumbnail per keyframe, null until its bitmap is ready. */
  const bitmaps: (ImageBitmap | null)[] = []
  /** Thumbnails made into bitmaps so far (the timeline redraws as it grows). */
  const bitmapsReady = ref(0)
  const done = ref(false)
  let early: QuickLookFrames[] = []
  let generation = 0

  function reset() {
    generation++
    for (const b of bitmaps) b?.close()
    bitmaps.length = 0
    pts.value = new Float64Array(0)
    novelty.value = new Float32Array(0)
    count.value = 0
    bitmapsReady.value = 0
    size.value = { width: 0, height: 0 }
    done.value = false
  }

  function add(batch: QuickLookFrames) {
    const n = batch.pts.length
    const end = batch.start + n
    if (end > pts.value.length) {
      const cap = Math.max(end, 2 * pts.value.length, 64)
      const p = new Float64Array(cap)
      p.set(pts.value.subarray(0, count.value))
      const v = new Float32Array(cap)
      v.set(novelty.value.subarray(0, count.value))
      pts.value = p
      novelty.value = v
    }
    pts.value.set(batch.pts, batch.start)
    novelty.value.set(batch.novelty, batch.start)
    triggerRef(pts)
    triggerRef(novelty)
    count.value = Math.max(count.value, end)
    size.value = { width: batch.width, height: batch.height }
    done.value ||= batch.done
    decodeBitmaps(batch)
  }

  function decodeBitmaps(batch: QuickLookFrames) {
    const gen = generation
    const bytes = batch.width * batch.height * 4
    for (let i = 0; i < batch.pts.length; i++) {
      const pixels = new Uint8ClampedArray(batch.rgba.buffer as ArrayBuffer, batch.rgba.byteOffset + i * bytes, bytes)
      createImageBitmap(new ImageData(pixels, batch.width, batch.height)).then(
        (bitmap) => {
          if (gen !== generation) return bitmap.close()
          bitmaps[batch.start + i] = bitmap
          bitmapsReady.value++
        },
        () => {}, // a thumbnail that cannot be made stays a placeholder
      )
    }
  }

  const bitmap = (k: number): ImageBitmap | null => bitmaps[k] ?? null

  /** A batch the API client already checked against its schema. */
  function onBatch(batch: QuickLookFrames) {
    const id = video.quickLook?.id
    if (id === batch.id) add(batch)
    else if (!id && early.length < EARLY_MAX) early.push(batch)
  }

  function init() {
    api.on('quicklook:frames', onBatch)
  }

  // A new quick look (or none, on a new video): start over, with the batches that came early.
  watch(
    () => video.quickLook,
    (q) => {
      reset()
      const mine = q ? early.filter((b) => b.id === q.id) : []
      if (q) early = []
      for (const b of mine) add(b)
    },
    { flush: 'sync' }, // before any batch of the new quick look is added
  )

  return { pts, novelty, count, size, bitmapsReady, done, bitmap, init }
})
