/**
 * The text query of the open video (remembered per video file, in this browser's storage): what
 * prompt-guided methods run with, and what the timeline's relevance row and the frame view's
 * relevance overlay show. Relevance is fetched again when the query, the video or its encoded
 * frames change (throttled while an analysis appends frames).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { QueryRelevance } from '../../../common/ipc/contract'
import { useApi } from '../api/use-api'
import { useErrorStore } from './errors'
import { useFrameStore } from './frame'
import { useVideoStore } from './video'

const STORAGE_KEY = 'tokenscope.queries'
/** Typing settles this long before the query is used. */
const QUERY_DEBOUNCE_MS = 400
const RELEVANCE_EVERY_MS = 1000

const readSaved = (): Record<string, string> => {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, string>
  } catch {
    return {}
  }
}

export const useQueryStore = defineStore('query', () => {
  const api = useApi()
  const errors = useErrorStore()
  const video = useVideoStore()
  const frame = useFrameStore()

  /** What is in the query box. */
  const text = ref('')
  /** The query in use: the box's text once typing settled, trimmed ('' = none). */
  const active = ref('')
  const relevance = shallowRef<QueryRelevance | null>(null)
  const patchRelevance = shallowRef<Float32Array | null>(null)
  const patchRelevanceIndex = ref(-1)

  const model = computed(() => video.models.find((m) => m.id === (video.session?.modelId ?? video.modelId)) ?? null)
  /** Whether the current model can score frames (and patches) against a query. */
  const supported = computed(() => model.value?.textRelevance ?? null)

  /** Sets the query (the box, or another source such as an annotation set's question) and uses it at once. */
  function setQuery(q: string) {
    text.value = q
    commit()
  }

  function commit() {
    active.value = text.value.trim()
    const path = video.path
    if (!path) return
    const saved = readSaved()
    if (active.value) saved[path] = active.value
    else delete saved[path]
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(saved))
    } catch {
      // storage full or disabled: the query still works for this session
    }
  }

  let typing: ReturnType<typeof setTimeout> | null = null
  watch(text, () => {
    if (typing) clearTimeout(typing)
    typing = setTimeout(commit, QUERY_DEBOUNCE_MS)
  })
  // Each video file has its own query.
  watch(
    () => video.path,
    (path) => {
      text.value = (path && readSaved()[path]) || ''
      active.value = text.value
    },
  )

  let seq = 0
  async function loadRelevance() {
    const s = video.session
    const mine = ++seq
    if (!s || !active.value || !supported.value || video.framesReady === 0) {
      relevance.value = null
      return
    }
    try {
      const r = await api.invoke('tokens:relevance', { videoKey: s.videoKey, query: active.value })
      if (mine === seq) relevance.value = r
    } catch (e) {
      if (mine === seq) errors.report(e)
    }
  }

  let patchSeq = 0
  async function loadPatchRelevance() {
    const s = video.session
    const i = frame.imageIndex
    const mine = ++patchSeq
    if (!s || !active.value || supported.value !== 'frame-and-patch' || i < 0) {
      patchRelevance.value = null
      patchRelevanceIndex.value = -1
      return
    }
    try {
      const r = await api.invoke('tokens:patch-relevance', { videoKey: s.videoKey, query: active.value, frame: i })
      if (mine !== patchSeq) return
      patchRelevance.value = r
      patchRelevanceIndex.value = i
    } catch (e) {
      if (mine === patchSeq) errors.report(e)
    }
  }

  let throttle: ReturnType<typeof setTimeout> | null = null
  watch([active, () => video.session?.videoKey, supported], () => void loadRelevance())
  watch(
    () => video.framesReady,
    () => {
      if (throttle) return
      throttle = setTimeout(() => {
        throttle = null
        void loadRelevance()
      }, RELEVANCE_EVERY_MS)
    },
  )
  watch([active, () => frame.imageIndex, () => video.session?.videoKey, supported], () => void loadPatchRelevance())

  return { text, active, relevance, patchRelevance, patchRelevanceIndex, supported, setQuery, commit }
})
