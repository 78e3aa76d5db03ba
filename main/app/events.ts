/** The services' pushed events (`Events` of the contract): every shell subscribes to forward them. */
import type { EventChannel, Events } from '../../common/ipc/contract'

export type Emit = <E extends EventChannel>(event: E, payload: Events[E]) => void

export interface EventHub {
  /** Calls every listener of `event`; one that throws is logged and does not stop the others. */
  emit: Emit
  /** Subscribes to `event`; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void
}

export function createEventHub(): EventHub {
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>()
  return {
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          ;(listener as (p: typeof payload) => void)(payload)
        } catch (e) {
          console.error('[tokenscope] event listener failed:', e)
        }
      }
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener as (payload: never) => void)
      return () => void set.delete(listener as (payload: never) => void)
    },
  }
}
