/**
 * Browser mode: serves the built renderer on 127.0.0.1 and carries the IPC contract over a
 * WebSocket at /ws, so a browser (a laptop through an SSH tunnel, or Playwright's Chromium)
 * gets the same UI and services as the Electron window.
 *
 * Security: binds 127.0.0.1 only; every request needs the per-launch random token, compared in
 * constant time: the page URL carries it (`?token=`), the answer sets it as an HttpOnly,
 * SameSite=Strict cookie for the page's own requests (scripts, styles), and the WebSocket takes it
 * in its URL and needs an Origin equal to the page's own host; every request Host must be loopback (DNS
 * rebinding); static files are GET/HEAD only, from rendererDir only (no traversal, no symlink
 * escape). Messages are wire.ts binary frames: {id, channel, payload} → {id, ok, result|error};
 * events are pushed as {event, payload}.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { extname, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { eventChannels } from '../../common/ipc/schema'
import { decodeFrame, encodeFrame } from '../../common/ipc/wire'
import type { Reply } from '../../common/ipc/reply'
import { dispatch } from '../app/dispatch'
import type { AppServices } from '../app/services'

export interface HostOptions {
  /** 0 or absent: a free port. */
  port?: number
  /** Loopback only, by design: the token is the only other guard. */
  host?: '127.0.0.1'
  services: Pick<AppServices, 'handlers' | 'on'>
  /** The built renderer folder (out/renderer). */
  rendererDir: string
  /** Fixed token (tests); default: 32 random bytes. */
  token?: string
}

export interface Host {
  /** The page URL including the token, e.g. http://127.0.0.1:7357/?token=… */
  url: string
  token: string
  port: number
  close(): Promise<void>
}

/** Largest request frame accepted (requests are small: paths, ids, params). */
const MAX_REQUEST_BYTES = 1 << 20

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

export const mimeTypeOf = (file: string): string => mimeTypes[extname(file).toLowerCase()] ?? 'application/octet-stream'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** The hostname of a Host header value ("127.0.0.1:7357" → "127.0.0.1"; "[::1]:80" → "[::1]"). */
const hostnameOf = (host: string | undefined): string | undefined => {
  if (!host) return undefined
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(host)
  return m?.[1].toLowerCase()
}

export const isLoopbackHost = (host: string | undefined): boolean => LOOPBACK.has(hostnameOf(host) ?? '')

/** A WebSocket Origin is ours when it is exactly http://<the Host header the page was loaded from>. */
export const originMatchesHost = (origin: string | undefined, host: string | undefined): boolean =>
  Boolean(origin && host && isLoopbackHost(host) && origin.toLowerCase() === `http://${host.toLowerCase()}`)

const tokensEqual = (given: string | null | undefined, token: string): boolean => {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The cookie holding the token, named per port (cookies are per host, shared by every port of 127.0.0.1). */
const cookieName = (port: number) => `tokenscope-${port}`

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** Does the request carry the token, in its URL or in the page's cookie? */
const hasToken = (req: IncomingMessage, token: string, port: number): boolean => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  return tokensEqual(url.searchParams.get('token'), token) || tokensEqual(cookieValue(req.headers.cookie, cookieName(port)), token)
}

/** CSP for the served pages: same-origin code only; the WebSocket back to this host. */
const contentSecurityPolicy = (host: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://${host}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ')

export async function startHost(opts: HostOptions): Promise<Host> {
  const root = await realpath(resolve(opts.rendererDir)).catch(() => {
    throw new Error(`the built renderer is missing at ${opts.rendererDir}; run 'npm run build' first`)
  })
  const token = opts.token ?? randomBytes(32).toString('base64url')
  const clients = new Set<WebSocket>()

  let port = 0
  const server = createServer((req, res) => {
    if (!isLoopbackHost(req.headers.host)) return send(res, 403, 'forbidden host')
    if (!hasToken(req, token, port)) return send(res, 401, 'this page needs the link TokenScope printed when it started (with its ?token=)')
    res.setHeader('Set-Cookie', `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`)
    serveStatic(root, req, res).catch((e) => {
      console.error('[tokenscope] static file error:', e)
      if (!res.headersSent) send(res, 500, 'internal error')
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/ws') return refuse(socket, 404, 'Not Found')
    if (!tokensEqual(url.searchParams.get('token'), token)) return refuse(socket, 401, 'Unauthorized')
    if (!originMatchesHost(req.headers.origin, req.headers.host)) return refuse(socket, 403, 'Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws)
      ws.on('close', () => clients.delete(ws))
      ws.on('message', (data, isBinary) => void onMessage(ws, data, isBinary))
    })
  })

  const onMessage = async (ws: WebSocket, data: unknown, isBinary: boolean) => {
    if (!isBinary) return ws.close(1003, 'binary frames only')
    let message: unknown
    try {
      message = decodeFrame(toArrayBuffer(data))
    } catch {
      return ws.close(1007, 'malformed frame')
    }
    const m = message as { id?: unknown; channel?: unknown; payload?: unknown }
    if (typeof m !== 'object' || m === null || typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) return ws.close(1007, 'a request needs a numeric id')
    const reply = await dispatch(opts.services, m.channel, m.payload)
    sendFrame(ws, { id: m.id, ...reply })
  }

  const unsubscribe = eventChannels.map((event) =>
    opts.services.on(event, (payload) => {
      for (const ws of clients) sendFrame(ws, { event, payload })
    }),
  )

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail)
      ok()
    })
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    async close() {
      unsubscribe.forEach((off) => off())
      for (const ws of clients) ws.terminate()
      wss.close()
      await new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      })
    },
  }
}

/** Encodes and sends; a reply that cannot be encoded becomes an error reply for the same id. */
function sendFrame(ws: WebSocket, message: { id?: number; event?: string } & Partial<Reply> & Record<string, unknown>): void {
  if (ws.readyState !== ws.OPEN) return
  let frame: ArrayBuffer
  try {
    frame = encodeFrame(message)
  } catch (e) {
    console.error('[tokenscope] could not encode a message:', e)
    if (message.id === undefined) return
    frame = encodeFrame({ id: message.id, ok: false, error: { code: 'internal', message: `Internal error: the answer could not be sent (${(e as Error).message})` } })
  }
  ws.send(frame)
}

function toArrayBuffer(data: unknown): ArrayBuffer | Uint8Array {
  if (data instanceof ArrayBuffer) return data
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[])
  return data as Uint8Array
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroy()
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(text)
}

/** GET/HEAD of a file under `root`; anything else is refused. */
async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const host = req.headers.host
  if (!isLoopbackHost(host)) return send(res, 403, 'forbidden host')
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    return send(res, 405, 'method not allowed')
  }
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
  } catch {
    return send(res, 400, 'bad path')
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return send(res, 400, 'bad path')
  if (pathname.endsWith('/')) pathname += 'index.html'
  const file = resolve(root, '.' + pathname)
  if (!file.startsWith(root + sep)) return send(res, 404, 'not found')
  let real: string
  try {
    real = await realpath(file)
    if (!real.startsWith(root + sep) || !(await stat(real)).isFile()) return send(res, 404, 'not found')
  } catch {
    return send(res, 404, 'not found')
  }
  const size = (await stat(real)).size
  res.writeHead(200, {
    'Content-Type': mimeTypeOf(real),
    'Content-Length': size,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': real.endsWith('.html') ? 'no-store' : 'no-cache',
    ...(real.endsWith('.html') ? { 'Content-Security-Policy': contentSecurityPolicy(host!) } : {}),
  })
  if (req.method === 'HEAD') return void res.end()
  createReadStream(real).pipe(res)
}
