import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import type { AnalysisProgress } from '../../common/ipc/contract'
import { decodeFrame, encodeFrame } from '../../common/ipc/wire'
import type { AppServices, Handlers } from '../app/services'
import { type Host, isLoopbackHost, originMatchesHost, startHost } from './server'

// The real comparison, watched: the token check must go through it.
vi.mock('node:crypto', async (actual) => {
  const crypto = await actual<typeof import('node:crypto')>()
  return { ...crypto, timingSafeEqual: vi.fn(crypto.timingSafeEqual) }
})

/** Fake services: just enough handlers to see requests arrive validated, and an event source. */
function fakeServices() {
  const calls: unknown[] = []
  const listeners = new Set<(p: AnalysisProgress) => void>()
  const handlers = {
    'tokens:signals': async (p: { videoKey: string }) => {
      calls.push(p)
      return { pts: new Float64Array([0, 0.5, 1]), novelty: new Float32Array([0, 0.25, 0.5]), concentration: new Float32Array(3) }
    },
    'video:probe': async () => {
      throw Object.assign(new Error('No video at /x.mp4: the file does not exist'), { name: 'VideoError', code: 'missing' })
    },
  } as unknown as Handlers
  const services: Pick<AppServices, 'handlers' | 'on'> = {
    handlers,
    on: ((_event: string, l: (p: AnalysisProgress) => void) => {
      listeners.add(l)
      return () => listeners.delete(l)
    }) as AppServices['on'],
  }
  const emit = (p: AnalysisProgress) => listeners.forEach((l) => l(p))
  return { services, calls, emit }
}

let dir: string
let host: Host
const fake = fakeServices()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenscope-host-'))
  const root = join(dir, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(root, 'assets', 'style.css'), 'body{}')
  writeFileSync(join(dir, 'secret.txt'), 'SECRET')
  symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'))
  host = await startHost({ services: fake.services, rendererDir: root, host: '127.0.0.1' })
})

afterAll(async () => {
  await host?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A raw HTTP request (the path is sent exactly as given, no normalisation). */
/** By default with the page's token cookie, as the browser sends it after loading the page; `cookie: null` sends none. */
function get(path: string, opts: { method?: string; host?: string; cookie?: string | null } = {}): Promise<{ status: number; type?: string; body: string; csp?: string; setCookie?: string[] }> {
  const cookie = opts.cookie === undefined ? `tokenscope-${host.port}=${host.token}` : opts.cookie
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${host.port}`, ...(cookie ? { cookie } : {}) } }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => ok({ status: res.statusCode!, type: res.headers['content-type'], body, csp: res.headers['content-security-policy'] as string | undefined, setCookie: res.headers['set-cookie'] }))
    })
    req.on('error', fail)
    req.end()
  })
}

/** Opens the socket; resolves with it, or with the HTTP status the upgrade was refused with. */
function connect(query: string, originHeader?: string | null): Promise<WebSocket | number> {
  const origin = originHeader === undefined ? `http://127.0.0.1:${host.port}` : originHeader
  return new Promise((ok, fail) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, origin ? { origin } : {})
    ws.binaryType = 'arraybuffer'
    ws.once('open', () => ok(ws))
    ws.once('unexpected-response', (_req, res) => ok(res.statusCode!))
    ws.once('error', fail)
  })
}

const nextMessage = (ws: WebSocket) =>
  new Promise<Record<string, unknown>>((ok) => ws.once('message', (data) => ok(decodeFrame(data as ArrayBuffer) as Record<string, unknown>)))

describe('the token on every HTTP request', () => {
  it('refuses a request without the token, or with a wrong one, in the URL or the cookie', async () => {
    const wrong = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A')
    for (const path of ['/', '/index.html', '/assets/app.js', '/?token=', `/?token=${wrong}`, `/?token=${host.token.slice(1)}`]) {
      const res = await get(path, { cookie: null })
      expect(res.status, path).toBe(401)
      expect(res.body, path).not.toContain('<title>')
    }
    for (const cookie of [`tokenscope-${host.port}=${wrong}`, `tokenscope-${host.port + 1}=${host.token}`, `other=${host.token}`]) {
      expect((await get('/assets/app.js', { cookie })).status, cookie).toBe(401)
    }
  })

  it('the page URL with the token opens it and sets an HttpOnly, SameSite=Strict cookie for its own requests', async () => {
    const page = await get(`/?token=${host.token}`, { cookie: null })
    expect(page.status).toBe(200)
    expect(page.setCookie).toEqual([`tokenscope-${host.port}=${host.token}; Path=/; HttpOnly; SameSite=Strict`])
    expect((await get('/assets/app.js', { cookie: `a=b; tokenscope-${host.port}=${host.token}` })).status).toBe(200)
  })

  it('compares tokens in constant time', async () => {
    const calls = vi.mocked(timingSafeEqual).mock.calls.length
    await get(`/?token=${'x'.repeat(host.token.length)}`, { cookie: null })
    expect(vi.mocked(timingSafeEqual).mock.calls.length).toBeGreaterThan(calls)
  })
})

describe('static files', () => {
  it('serves the renderer with the right MIME types and a CSP on pages', async () => {
    const index = await get('/')
    expect(index.status).toBe(200)
    expect(index.type).toMatch(/^text\/html/)
    expect(index.csp).toContain("default-src 'self'")
    expect(index.csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`)
    expect((await get('/assets/app.js')).type).toMatch(/^text\/javascript/)
    expect((await get('/assets/style.css')).type).toMatch(/^text\/css/)
    expect((await get('/assets/missing.js')).status).toBe(404)
  })

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/link.txt', '/assets/..\\..\\secret.txt', '/%00index.html', '/assets']) {
      const res = await get(path)
      expect(res.body, path).not.toContain('SECRET')
      expect(res.status, path).toBeGreaterThanOrEqual(400)
    }
  })

  it('answers GET and HEAD only, and only to a loopback Host', async () => {
    expect((await get('/', { method: 'POST' })).status).toBe(405)
    expect((await get('/', { method: 'HEAD' })).status).toBe(200)
    expect((await get('/', { host: 'evil.example:80' })).status).toBe(403)
  })
})

describe('the WebSocket door', () => {
  it('binds 127.0.0.1 only', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`)
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)
    if (!external) return // no other interface on this machine to try
    const reached = await new Promise<boolean>((ok) => {
      const req = request({ host: external.address, port: host.port, path: '/', timeout: 3000 }, () => ok(true))
      req.on('error', () => ok(false))
      req.on('timeout', () => {
        req.destroy()
        ok(false)
      })
      req.end()
    })
    expect(reached).toBe(false)
  })

  it('refuses a connection without the token, with a wrong one, or from another origin', async () => {
    expect(await connect('')).toBe(401)
    expect(await connect('?token=wrong')).toBe(401)
    expect(await connect(`?token=${host.token}x`)).toBe(401)
    expect(await connect(`?token=${host.token}`, 'http://evil.example')).toBe(403)
    expect(await connect(`?token=${host.token}`, `http://127.0.0.1:${host.port + 1}`)).toBe(403)
    expect(await connect(`?token=${host.token}`, null)).toBe(403)
    expect(isLoopbackHost('localhost:80')).toBe(true)
    expect(isLoopbackHost('127.0.0.1.evil.example')).toBe(false)
    expect(originMatchesHost('http://localhost:7357', 'localhost:7357')).toBe(true)
    expect(originMatchesHost('http://evil.example:7357', 'evil.example:7357')).toBe(false)
  })

  it('carries a request through dispatch, with typed arrays, schema errors and service errors', { timeout: 20_000 }, async () => {
    const ws = (await connect(`?token=${host.token}`)) as WebSocket
    try {
      ws.send(encodeFrame({ id: 1, channel: 'tokens:signals', payload: { videoKey: 'k1' } }))
      const ok = await nextMessage(ws)
      expect(ok.id).toBe(1)
      expect(ok.ok).toBe(true)
      const result = ok.result as { pts: Float64Array; novelty: Float32Array }
      expect(result.pts).toBeInstanceOf(Float64Array)
      expect(Array.from(result.pts)).toEqual([0, 0.5, 1])
      expect(Array.from(result.novelty)).toEqual([0, 0.25, 0.5])
      expect(fake.calls).toEqual([{ videoKey: 'k1' }])

      ws.send(encodeFrame({ id: 2, channel: 'tokens:signals', payload: { videoKey: '', extra: 1 } }))
      const bad = await nextMessage(ws)
      expect(bad).toMatchObject({ id: 2, ok: false, error: { code: 'bad-request' } })
      expect(fake.calls).toHaveLength(1) // the handler never saw it

      ws.send(encodeFrame({ id: 3, channel: 'fs:delete', payload: {} }))
      expect(await nextMessage(ws)).toMatchObject({ id: 3, ok: false, error: { code: 'bad-request' } })

      ws.send(encodeFrame({ id: 4, channel: 'video:probe', payload: { path: '/x.mp4' } }))
      expect(await nextMessage(ws)).toMatchObject({ id: 4, ok: false, error: { code: 'missing', message: 'No video at /x.mp4: the file does not exist' } })

      const progress: AnalysisProgress = { jobId: 'j', videoKey: 'k1', phase: 'encoding', framesDone: 3, framesTotal: 9, framesPerSecond: 1.5, etaSeconds: 4 }
      const pushed = nextMessage(ws)
      fake.emit(progress)
      expect(await pushed).toEqual({ event: 'analysis:progress', payload: progress })
    } finally {
      ws.close()
    }
  })

  it('closes the connection on text or malformed frames', async () => {
    const closeCode = (ws: WebSocket) => new Promise<number>((ok) => ws.once('close', (code) => ok(code)))
    const a = (await connect(`?token=${host.token}`)) as WebSocket
    const aClosed = closeCode(a)
    a.send('{"id":1,"channel":"app:info"}')
    expect(await aClosed).toBe(1003)
    const b = (await connect(`?token=${host.token}`)) as WebSocket
    const bClosed = closeCode(b)
    b.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))
    expect(await bClosed).toBe(1007)
  })
})
