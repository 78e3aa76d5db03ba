/**
 * "Get a real model": the models the host can download (`models:pullable`), a download per model
 * with its progress (`models:pull-progress` events), and the model list refreshed when one lands.
 * The same download as `tokenscope models pull <id>`.
 */
import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import type { PullableModel, PullProgress } from '../../../common/ipc/contract'
import { useApi } from '../api/use-api'
import { useErrorStore } from './errors'
import { useVideoStore } from './video'
import { errorMessage } from '../util/format'

export const useModelPullsStore = defineStore('modelPulls', () => {
  const api = useApi()
  const errors = useErrorStore()
  const video = useVideoStore()

  const pullable = ref<PullableModel[]>([])
  /** Latest progress per model id (kept after it ends: 'done' or 'error' with its message). */
  const progress = reactive<Record<string, PullProgress>>({})
  const failures = reactive<Record<string, string>>({})

  async function load() {
    try {
      pullable.value = await api.invoke('models:pullable', undefined)
    } catch (e) {
      errors.report(e)
    }
  }

  function init() {
    api.on('models:pull-progress', (p) => (progress[p.modelId] = p))
  }

  async function pull(id: string) {
    delete failures[id]
    try {
      const installed = await api.invoke('models:pull', { id })
      video.models = [...video.models.filter((m) => m.id !== installed.id), installed]
      video.modelId = installed.id
      await load()
    } catch (e) {
      failures[id] = errorMessage(e)
    }
  }

  return { pullable, progress, failures, init, load, pull }
})
