/**
 * A local stand-in for the model hub on 127.0.0.1, serving files the test generated, the way the
 * hub serves them (main/models/hub.ts): `/<repo>/resolve/<revision>/<path>`; `.onnx` files answer
 * 302 to a CDN path with `X-Linked-Etag` (SHA-256) and `X-Linked-Size`, other files 200 with
 * `ETag` = the git blob id; both with `X-Repo-Commit`; `main` resolves to the repository's commit;
 * the CDN path honours `Range: bytes=N-` with 206. Faults on request: cut a transfer after some
 * bytes, serve bytes that do not match the digests, refuse with a status.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HubRepo {
  repo: string
  commit: string
  files: Record<string, Uint8Array>
}

export interface HubFaults {
  /** Path → bytes of a transfer after which the next `times` transfers of that file are cut (connection closed). */
  cut?: Record<string, { after: number; times: number }>
  /** Paths served with their last byte flipped (the digests still describe the right bytes). */
  corrupt?: Set<string>
  /** Every /resolve/ request answers this status (and X-Error-Code, when given). */
  refuse?: { status: number; errorCode?: string }
}

export interface HubServer {
  url: string
  /** Every request: method, path and Range header. */
  log: { method: string; path: string; range?: string }[]
  faults: HubFaults
  close(): Promise<void>
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const gitSha1 = (b: Uint8Array) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex')

export async function startHubServer(repos: HubRepo[], faults: HubFaults = {}): Promise<HubServer> {
  const log: HubServer['log'] = []
  const byDigest = new Map<string, { bytes: Uint8Array; path: string }>()
  for (const r of repos) for (const [path, bytes] of Object.entries(r.files)) byDigest.set(sha256(bytes), { bytes, path })

  const served = (path: string, bytes: Uint8Array) => {
    if (!faults.corrupt?.has(path)) return bytes
    const copy = bytes.slice()
    copy[copy.length - 1] ^= 0xff
    return copy
  }

  const sendBody = (res: ServerResponse, req: IncomingMessage, path: string, bytes: Uint8Array, headers: Record<string, string>) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    const from = range ? Number(range[1]) : 0
    if (from >= bytes.length && range) {
      res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end()
      return
    }
    const body = bytes.subarray(from)
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'Content-Length': String(body.length),
      'Accept-Ranges': 'bytes',
      ...(range ? { 'Content-Range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` } : {}),
    })
    if (req.method === 'HEAD') return void res.end()
    const cut = faults.cut?.[path]
    if (cut && cut.times > 0 && cut.after < body.length) {
      cut.times--
      // The bytes, a pause so the client has them all on disk (a fetch body stream drops what it has
      // queued when the connection fails), then the connection closes before Content-Length.
      res.write(body.subarray(0, cut.after), () => setTimeout(() => res.socket?.destroy(), 300))
      return
    }
    res.end(body)
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    log.push({ method: req.method ?? '', path: decodeURIComponent(url.pathname), range: req.headers.range })
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname)
    if (cdn) {
      const f = byDigest.get(cdn[1])
      if (!f) return void res.writeHead(404).end()
      return sendBody(res, req, f.path, served(f.path, f.bytes), { ETag: `"${cdn[1]}"` })
    }
    const m = /^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname)
    if (!m) return void res.writeHead(404).end()
    if (faults.refuse) return void res.writeHead(faults.refuse.status, faults.refuse.errorCode ? { 'X-Error-Code': faults.refuse.errorCode } : {}).end()
    const [, repoName, revision, rawPath] = m
    const path = decodeURIComponent(rawPath)
    const repo = repos.find((r) => r.repo === repoName)
    if (!repo) return void res.writeHead(404, { 'X-Error-Code': 'RepoNotFound' }).end()
    if (revision !== 'main' && revision !== repo.commit) return void res.writeHead(404, { 'X-Error-Code': 'RevisionNotFound' }).end()
    const bytes = repo.files[path]
    if (!bytes) return void res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end()
    if (path.endsWith('.onnx')) {
      const digest = sha256(bytes)
      res.writeHead(302, { Location: `/cdn/${digest}`, 'X-Linked-Etag': `"${digest}"`, 'X-Linked-Size': String(bytes.length), 'X-Repo-Commit': repo.commit, 'Content-Length': '0' }).end()
      return
    }
    sendBody(res, req, path, served(path, bytes), { ETag: `"${gitSha1(bytes)}"`, 'X-Repo-Commit': repo.commit })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
