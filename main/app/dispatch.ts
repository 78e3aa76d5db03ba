/**
 * The one door into the services, used by every shell: checks the channel is known and the
 * payload matches its schema, calls the handler, and answers a Reply (never throws), so the
 * Electron and browser-mode transports behave identically.
 */
import type { Reply } from '../../common/ipc/reply'
import { isChannel, requestSchemas } from '../../common/ipc/schema'
import { toApiError } from './errors'
import type { AppServices } from './services'

export async function dispatch(services: Pick<AppServices, 'handlers'>, channel: unknown, payload: unknown): Promise<Reply> {
  if (!isChannel(channel)) {
    // Named without String(): a null-prototype object (or one whose toString throws) cannot be converted.
    const name = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 60)) : `of type ${channel === null ? 'null' : typeof channel}`
    return { ok: false, error: { code: 'bad-request', message: `unknown channel ${name}` } }
  }
  try {
    const request = requestSchemas[channel](payload, '')
    const handler = services.handlers[channel] as (p: unknown) => Promise<unknown>
    return { ok: true, result: await handler(request) }
  } catch (e) {
    return { ok: false, error: toApiError(e) }
  }
}
