/**
 * How an answer crosses either transport (Electron IPC or the browser-mode WebSocket): an
 * envelope instead of a thrown error, so the `ApiError` code and message arrive intact (Electron
 * rewrites thrown errors into "Error invoking remote method …").
 */
import type { ApiError, Channel, RequestOf, ResponseOf, TokenScopeApi } from './contract'

export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiError }

/** What a client rejects with: an Error carrying the ApiError's `code`, message as the service wrote it. */
export class ApiCallError extends Error implements ApiError {
  override name = 'ApiCallError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Unwraps a reply: the result, or throws an ApiCallError. */
export function unwrapReply<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.result
  throw new ApiCallError(reply.error.code, reply.error.message)
}

/** Checks something that arrived over a transport is a Reply (the error part must be well formed). */
export function isReply(v: unknown): v is Reply {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Record<string, unknown>
  if (r.ok === true) return true
  if (r.ok !== false || typeof r.error !== 'object' || r.error === null) return false
  const e = r.error as Record<string, unknown>
  return typeof e.code === 'string' && typeof e.message === 'string'
}

/**
 * What the Electron preload exposes as `window.tokenscope`: the TokenScopeApi, plus `invokeReply`
 * answering the Reply itself. Errors crossing Electron's contextBridge keep only their message,
 * so the renderer client uses `invokeReply` to keep the ApiError code.
 */
export interface BridgeApi extends TokenScopeApi {
  invokeReply<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Reply<ResponseOf<C>>>
}
