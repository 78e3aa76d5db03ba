import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage } from '../util/format'

/** The one error banner: the latest failure, in words a user can act on (ApiError.message). */
export const useErrorStore = defineStore('errors', () => {
  const message = ref<string | null>(null)
  const code = ref<string | null>(null)

  function report(e: unknown) {
    message.value = errorMessage(e)
    code.value = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : null
    console.warn('[tokenscope]', e)
  }

  function clear() {
    message.value = null
    code.value = null
  }

  return { message, code, report, clear }
})
