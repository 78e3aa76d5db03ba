/**
 * The renderer's WebSocket client (renderer/src/api/client.ts) against the real browser-mode host
 * with fake services: calls, errors as ApiCallError, pushed events, and reconnecting after the
 * host went away (calls in flight are rejected, later ones go through).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import type { AnalysisProgress } from '../common/ipc/contract'
import { ApiCallError } from '../common/ipc/reply'
import type { AppServices, Handlers } from '../main/app/services'
import { type Host, startHost } from '../main/host/server'
import { createSocketApi, withCheckedEvents } from '../renderer/src/api/client'

let dir: string
let host: Host
const listeners = new Set<(p: AnalysisProgress) => void>()
let release: () => void = () => {}

const services: Pick<AppServices, 'handlers' | 'on'> = {
  handlers: {
    'tokens:importance': async ({ frame }: { frame: number }) => (frame === 0 ? new Float32Array([0.75, 0.25]) : null),
    'video:probe': async () => {
      throw Object.assign(new Error('not a video: /a.txt'), { name: 'VideoError', code: 'not-video' })
    },
    // Never answers until released: a call in flight when the host goes away.
    'video:recent': () => new Promise<string[]>((ok) => (release = () => ok([]))),
  } as unknown as Handlers,
  on: ((_e: string, l: (p: AnalysisProgress) => void) => {
    listeners.add(l)
    return () => listeners.delete(l)
  }) as AppServices['on'],
}

/** ws's client, sending the Origin a browser would send for a page of this host. */
const browserLikeSocket = (origin: () => string) =>
  class extends WebSocket {
    constructor(url: string) {
      super(url, { origin: origin() })
    }
  } as unknown as typeof globalThis.WebSocket

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenscope-client-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html>')
  host = await startHost({ services, rendererDir: dir })
})

afterAll(async () => {
  await host?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('browser-mode API client', () => {
  it('invokes, rejects with ApiCallError, receives events and survives a host restart', { timeout: 30_000 }, async () => {
    const api = createSocketApi(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, browserLikeSocket(() => `http://127.0.0.1:${host.port}`))
    try {
      const imp = await api.invoke('tokens:importance', { videoKey: 'k', frame: 0 })
      expect(imp).toBeInstanceOf(Float32Array)
      expect(Array.from(imp!)).toEqual([0.75, 0.25])
      expect(await api.invoke('tokens:importance', { videoKey: 'k', frame: 3 })).toBeNull()

      const err = await api.invoke('video:probe', { path: '/a.txt' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ApiCallError)
      expect(err).toMatchObject({ code: 'not-video', message: 'not a video: /a.txt' })
      const bad = await api.invoke('tokens:importance', { videoKey: 'k', frame: -1 }).catch((e: unknown) => e)
      expect(bad).toMatchObject({ code: 'bad-request' })

      const events: AnalysisProgress[] = []
      const off = api.on('analysis:progress', (p) => events.push(p))
      const p: AnalysisProgress = { jobId: 'j', videoKey: 'k', phase: 'done', framesDone: 4, framesTotal: 4, framesPerSecond: 2, etaSeconds: 0 }
      listeners.forEach((l) => l(p))
      await expect.poll(() => events.length).toBe(1)
      expect(events[0]).toEqual(p)

      // The host goes away with a call in flight: the call is rejected, not left hanging.
      const inFlight = api.invoke('video:recent', undefined).catch((e: unknown) => e)
      await new Promise((r) => setTimeout(r, 100))
      const { port, token } = host
      await host.close()
      expect(await inFlight).toMatchObject({ code: 'disconnected' })
      release()

      // It comes back on the same port: the client reconnects, and events flow again.
      host = await startHost({ services, rendererDir: dir, port, token })
      await expect.poll(() => api.invoke('tokens:importance', { videoKey: 'k', frame: 0 }).then(() => 'ok', (e: Error) => e.message), { timeout: 15_000 }).toBe('ok')
      await expect.poll(() => (listeners.forEach((l) => l({ ...p, phase: 'encoding' })), events.length), { timeout: 10_000 }).toBeGreaterThan(1)
      off()
    } finally {
      api.close()
    }
  })

  it('passes on only the events that match their schema', async () => {
    const socket = createSocketApi(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, browserLikeSocket(() => `http://127.0.0.1:${host.port}`))
    const api = withCheckedEvents(socket)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const events: AnalysisProgress[] = []
      api.on('analysis:progress', (p) => events.push(p))
      const p: AnalysisProgress = { jobId: 'j', videoKey: 'k', phase: 'done', framesDone: 4, framesTotal: 4, framesPerSecond: 2, etaSeconds: 0 }
      // The socket opens on the first subscription; push until one arrives, each valid one after a malformed one.
      await expect.poll(() => (listeners.forEach((l) => (l({ ...p, phase: 'paused' } as unknown as AnalysisProgress), l(p))), events.length), { timeout: 10_000 }).toBeGreaterThan(0)
      for (const e of events) expect(e).toEqual(p)
      expect(errors).toHaveBeenCalledWith('[tokenscope] dropped a malformed analysis:progress event:', expect.any(Error))
    } finally {
      errors.mockRestore()
      socket.close()
    }
  })

  it('rejects calls when the host cannot be reached (wrong token)', async () => {
    const api = createSocketApi(`ws://127.0.0.1:${host.port}/ws?token=nope`, browserLikeSocket(() => `http://127.0.0.1:${host.port}`))
    const err = await api.invoke('tokens:importance', { videoKey: 'k', frame: 0 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'disconnected' })
    api.close()
  })
})
