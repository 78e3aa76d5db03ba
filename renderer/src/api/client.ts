/**
 * The renderer's one way to reach the services: `useApi().invoke(channel, payload)` and
 * `useApi().on('analysis:progress', cb)`, per common/ipc/contract.ts. Calls reject with an
 * ApiCallError (`.code`, `.message` to show the user). Event payloads are checked against
 * their schemas (schema.ts) before a listener sees them; a malformed one is logged and dropped.
 *
 * In Electron the preload exposes `window.tokenscope`; in browser mode this file implements the
 * same API over the host's WebSocket (`/ws?token=…`, wire.ts binary frames). The token arrives
 * once in the page URL, moves to sessionStorage (so reloads keep working) and is stripped from
 * the address bar. A dropped connection rejects the calls in flight and reconnects with backoff;
 * calls made meanwhile wait for the connection.
 */
import type { Channel, EventChannel, Events, RequestOf, ResponseOf, TokenScopeApi } from '../../../common/ipc/contract'
import { ApiCallError, isReply, unwrapReply } from '../../../common/ipc/reply'
import { eventSchemas, isChannel, isEventChannel } from '../../../common/ipc/schema'
import { decodeFrame, encodeFrame } from '../../../common/ipc/wire'

declare global {
  interface Window {
    tokenscope?: TokenScopeApi
    __tokenscope_debug?: DebugState
  }
}

/** What the e2e tests read: the API and the last answer of each channel. */
export interface DebugState {
  api: TokenScopeApi
  last: Partial<{ [C in Channel]: ResponseOf<C> }>
  progress?: Events['analysis:progress']
}

const TOKEN_KEY = 'tokenscope.token'
const RECONNECT_MAX_MS = 5000

/** The host's token: from the URL the first time (then hidden), else from this tab's sessionStorage. */
export function takeToken(loc: Location = location, storage: Storage = sessionStorage, history: History = window.history): string | null {
  const url = new URL(loc.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return storage.getItem(TOKEN_KEY)
}

type Listener = (payload: never) => void

/** TokenScopeApi over a WebSocket to the browser-mode host. `socketUrl` includes the token. */
export function createSocketApi(socketUrl: string, WebSocketImpl: typeof WebSocket = WebSocket): TokenScopeApi & { close(): void } {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Map<string, Set<Listener>>()
  let nextId = 1
  let opened: Promise<WebSocket> | undefined
  let retryMs = 250
  let closed = false

  const rejectPending = (why: string) => {
    for (const p of pending.values()) p.reject(new ApiCallError('disconnected', why))
    pending.clear()
  }

  /** The open socket, connecting (once) if needed; rejects when the host cannot be reached. */
  const connect = (): Promise<WebSocket> => (opened ??= openSocket())

  const openSocket = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocketImpl(socketUrl)
      let wasOpen = false
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => {
        wasOpen = true
        retryMs = 250
        resolve(ws)
      }
      ws.onmessage = (ev) => onFrame(ev.data)
      ws.onerror = () => {} // always followed by close, which handles it
      ws.onclose = (ev) => {
        opened = undefined
        if (wasOpen) rejectPending(`Lost the connection to the TokenScope host (${ev.code}${ev.reason ? ': ' + ev.reason : ''}); reconnecting`)
        else reject(new ApiCallError('disconnected', 'Cannot reach the TokenScope host: is it still running? (A wrong or old token also fails: open the URL it printed.)'))
        // Keep trying in the background while something listens for events or we were connected.
        if (!closed && (wasOpen || reconnecting || listeners.size > 0)) scheduleReconnect()
      }
    })

  let reconnecting = false
  const scheduleReconnect = () => {
    reconnecting = true
    const wait = retryMs
    retryMs = Math.min(RECONNECT_MAX_MS, retryMs * 2)
    setTimeout(() => {
      if (closed || opened) return
      connect().then(
        () => (reconnecting = false),
        () => {}, // onclose scheduled the next attempt
      )
    }, wait)
  }

  const onFrame = (data: unknown) => {
    if (!(data instanceof ArrayBuffer)) return
    let message: Record<string, unknown>
    try {
      message = decodeFrame(data) as Record<string, unknown>
    } catch (e) {
      console.error('[tokenscope] dropped a malformed frame from the host:', e)
      return
    }
    if (typeof message.id === 'number') {
      const p = pending.get(message.id)
      if (!p) return
      pending.delete(message.id)
      if (isReply(message)) {
        try {
          p.resolve(unwrapReply(message))
        } catch (e) {
          p.reject(e as Error)
        }
      } else p.reject(new ApiCallError('bad-reply', 'The host sent a reply this page does not understand (reload the page)'))
    } else if (typeof message.event === 'string') {
      for (const listener of listeners.get(message.event) ?? []) (listener as (p: unknown) => void)(message.payload)
    }
  }

  return {
    async invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
      if (!isChannel(channel)) throw new ApiCallError('bad-request', `unknown channel ${String(channel)}`)
      const ws = await connect()
      const id = nextId++
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        try {
          ws.send(encodeFrame({ id, channel, payload }))
        } catch (e) {
          pending.delete(id)
          reject(e instanceof ApiCallError ? e : new ApiCallError('bad-request', (e as Error).message))
        }
      })
    },
    on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (!isEventChannel(event)) throw new ApiCallError('bad-request', `unknown event ${String(event)}`)
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener as Listener)
      connect().catch(() => {}) // events flow only over an open socket; onclose keeps retrying
      return () => void set.delete(listener as Listener)
    },
    close() {
      closed = true
      opened?.then((ws) => ws.close(), () => {})
    },
  }
}

/** Wraps an API so that its listeners only see event payloads that pass the event's schema. */
export function withCheckedEvents(api: TokenScopeApi): TokenScopeApi {
  return {
    invoke: (channel, payload) => api.invoke(channel, payload),
    on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (!isEventChannel(event)) throw new ApiCallError('bad-request', `unknown event ${String(event)}`)
      return api.on(event, (payload: unknown) => {
        let checked: Events[E]
        try {
          checked = eventSchemas[event](payload, event) as Events[E]
        } catch (e) {
          console.error(`[tokenscope] dropped a malformed ${event} event:`, e)
          return
        }
        listener(checked)
      })
    },
  }
}

/** Wraps an API to record the last answer of each channel and the last progress event (for tests). */
function withDebugRecord(api: TokenScopeApi): TokenScopeApi {
  const debug: DebugState = { api, last: {} }
  window.__tokenscope_debug = debug
  api.on('analysis:progress', (p) => (debug.progress = p))
  return {
    async invoke(channel, payload) {
      const result = await api.invoke(channel, payload)
      ;(debug.last as Record<string, unknown>)[channel] = result
      return result
    },
    on: (event, listener) => api.on(event, listener),
  }
}

/** The Electron preload's API when present, else the browser-mode WebSocket client. */
export function createApi(): TokenScopeApi {
  if (window.tokenscope) return withDebugRecord(withCheckedEvents(window.tokenscope))
  const token = takeToken()
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token ?? '')}`
  return withDebugRecord(withCheckedEvents(createSocketApi(url)))
}
