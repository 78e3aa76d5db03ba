/**
 * The open video: probe info, quick look, the analysis session and its progress, and the frame
 * signals (refetched, throttled, while frames arrive so the timeline refines progressively).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { AnalysisProgress, FrameSignals, ModelInfo, QuickLook, VideoSession } from '../../../common/ipc/contract'
import type { Sampling, VideoInfo } from '../../../common/video'
import { useApi } from '../api/use-api'
import { useErrorStore } from './errors'
import { typicalInterval } from '../util/frames'

/** How often the signals are refetched while an analysis runs. */
const SIGNALS_EVERY_MS = 1000

export type SamplingMode = Sampling['mode']

export const useVideoStore = defineStore('video', () => {
  const api = useApi()
  const errors = useErrorStore()

  const models = ref<ModelInfo[]>([])
  const recent = ref<string[]>([])
  const path = ref('')
  const info = ref<VideoInfo | null>(null)
  const modelId = ref('')
  const samplingMode = ref<SamplingMode>('fps')
  const samplingFps = ref(1)
  const samplingFrames = ref(256)
  const quickLook = shallowRef<QuickLook | null>(null)
  const session = ref<VideoSession | null>(null)
  const progress = ref<AnalysisProgress | null>(null)
  const signals = shallowRef<FrameSignals | null>(null)
  const busy = ref(false)

  const sampling = computed<Sampling>(() =>
    samplingMode.value === 'fps' ? { mode: 'fps', fps: samplingFps.value } : samplingMode.value === 'count' ? { mode: 'count', frames: samplingFrames.value } : { mode: 'every-frame' },
  )
  const framesReady = computed(() => signals.value?.pts.length ?? 0)
  const pts = computed(() => signals.value?.pts ?? new Float64Array(0))
  const duration = computed(() => session.value?.info.duration ?? info.value?.duration ?? 0)
  const phase = computed(() => progress.value?.phase ?? (session.value?.complete ? 'done' : null))
  const complete = computed(() => !!session.value?.complete || progress.value?.phase === 'done')
  const running = computed(() => !!session.value && !complete.value && (progress.value === null || ['probing', 'quick-look', 'encoding'].includes(progress.value.phase)))
  const lastInterval = computed(() => {
    const s = sampling.value
    const fallback = s.mode === 'fps' ? 1 / s.fps : s.mode === 'count' ? duration.value / s.frames : 1 / (info.value?.fps || 30)
    return typicalInterval(pts.value, pts.value.length, fallback || 1)
  })

  async function init() {
    api.on('analysis:progress', onProgress)
    try {
      const [m, r] = await Promise.all([api.invoke('models:list', undefined), api.invoke('video:recent', undefined)])
      models.value = m
      recent.value = r
      if (!modelId.value) modelId.value = (m.find((x) => !x.error) ?? m[0])?.id ?? ''
    } catch (e) {
      errors.report(e)
    }
  }

  /** Native dialog in Electron; null in browser mode (the UI then asks for a host path). */
  async function choose(): Promise<boolean> {
    try {
      const chosen = await api.invoke('video:choose', undefined)
      if (chosen === null) return false
      await open(chosen)
      return true
    } catch (e) {
      errors.report(e)
      return false
    }
  }

  /** Probes `p` and starts the quick look; the analysis starts with `analyze()`. */
  async function open(p: string): Promise<boolean> {
    const target = p.trim()
    if (!target) {
      errors.report('Type the path of a video file on the host, or choose one.')
      return false
    }
    busy.value = true
    try {
      const probed = await api.invoke('video:probe', { path: target })
      errors.clear()
      path.value = target
      info.value = probed
      session.value = null
      progress.value = null
      signals.value = null
      quickLook.value = null
      api.invoke('video:quick-look', { path: target }).then(
        (q) => {
          if (path.value === target) quickLook.value = q
        },
        (e) => errors.report(e),
      )
      return true
    } catch (e) {
      errors.report(e)
      return false
    } finally {
      busy.value = false
    }
  }

  async function analyze(): Promise<void> {
    if (!info.value) return errors.report('Open a video first.')
    if (!modelId.value) return errors.report('Choose a model first.')
    busy.value = true
    progress.value = null
    try {
      const s = await api.invoke('analysis:start', { path: path.value, modelId: modelId.value, sampling: sampling.value })
      session.value = s
      // Events that arrived before the session did may belong to an older job.
      const early = progress.value as AnalysisProgress | null
      if (early && early.jobId !== s.jobId) progress.value = null
      requestSignals(true)
      try {
        recent.value = await api.invoke('video:recent', undefined)
      } catch {
        // the recent list is a convenience
      }
    } catch (e) {
      errors.report(e)
    } finally {
      busy.value = false
    }
  }

  async function demo() {
    try {
      const p = await api.invoke('video:demo', undefined)
      if (await open(p)) await analyze()
    } catch (e) {
      errors.report(e)
    }
  }

  async function cancel() {
    const s = session.value
    if (!s) return
    try {
      await api.invoke('analysis:cancel', { jobId: s.jobId })
    } catch (e) {
      errors.report(e)
    }
  }

  function onProgress(p: AnalysisProgress) {
    // While analysis:start is in flight the session is unknown: keep the event, check it later.
    if (session.value && p.jobId !== session.value.jobId) return
    progress.value = p
    if (!session.value) return
    if (p.phase === 'done') {
      session.value = { ...session.value, complete: true, framesReady: p.framesTotal, framesTotal: p.framesTotal }
      requestSignals(true)
    } else if (p.phase === 'encoding' && p.framesDone > framesReady.value) {
      requestSignals(false)
    } else if (p.phase === 'error' && p.message) {
      errors.report(p.message)
    }
  }

  // Signals fetching: at most one request in flight, at most one per SIGNALS_EVERY_MS unless urgent.
  let timer: ReturnType<typeof setTimeout> | null = null
  let inFlight = false
  let again: 'no' | 'soon' | 'now' = 'no'
  let lastFetch = 0

  function requestSignals(now: boolean) {
    if (inFlight) {
      again = now || again === 'now' ? 'now' : 'soon'
      return
    }
    if (timer !== null) {
      if (!now) return
      clearTimeout(timer)
    }
    const wait = now ? 0 : Math.max(0, lastFetch + SIGNALS_EVERY_MS - Date.now())
    timer = setTimeout(fetchSignals, wait)
  }

  async function fetchSignals() {
    timer = null
    const s = session.value
    if (!s) return
    inFlight = true
    lastFetch = Date.now()
    try {
      const fetched = await api.invoke('tokens:signals', { videoKey: s.videoKey })
      if (session.value?.videoKey === s.videoKey && fetched.pts.length >= framesReady.value) {
        signals.value = fetched
      }
    } catch (e) {
      errors.report(e)
    } finally {
      inFlight = false
      const next = again
      again = 'no'
      if (next !== 'no') requestSignals(next === 'now')
    }
  }

  return {
    models, recent, path, info, modelId, samplingMode, samplingFps, samplingFrames, sampling, quickLook, session, progress, signals,
    busy, framesReady, pts, duration, phase, complete, running, lastInterval,
    init, choose, open, analyze, demo, cancel,
  }
})
