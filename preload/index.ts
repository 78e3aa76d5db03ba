/**
 * The only bridge between the sandboxed renderer and the main process: one typed object,
 * `window.tokenscope`, implementing the contract's TokenScopeApi (+ invokeReply, see reply.ts).
 * Only known channels and events pass; no ipcRenderer (or anything else of Electron) is exposed.
 */
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- types come from the optional `electron` package when it is installed (see main/electron/index.ts)
import { contextBridge, ipcRenderer } from 'electron'
import type { Channel, EventChannel, Events, RequestOf, ResponseOf } from '../common/ipc/contract'
import { ApiCallError, type BridgeApi, isReply, type Reply, unwrapReply } from '../common/ipc/reply'
import { isChannel, isEventChannel } from '../common/ipc/schema'

async function invokeReply<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Reply<ResponseOf<C>>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'bad-request', message: `unknown channel ${String(channel)}` } }
  const reply: unknown = await ipcRenderer.invoke(channel, payload)
  if (!isReply(reply)) return { ok: false, error: { code: 'bad-reply', message: 'The main process sent a reply this window does not understand' } }
  return reply as Reply<ResponseOf<C>>
}

const api: BridgeApi = {
  invokeReply,
  invoke: async (channel, payload) => unwrapReply(await invokeReply(channel, payload)),
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (!isEventChannel(event)) throw new ApiCallError('bad-request', `unknown event ${String(event)}`)
    const forward = (_e: unknown, payload: Events[E]) => listener(payload)
    ipcRenderer.on(event, forward)
    return () => void ipcRenderer.removeListener(event, forward)
  },
}

contextBridge.exposeInMainWorld('tokenscope', api)
