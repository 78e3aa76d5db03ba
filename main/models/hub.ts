/**
 * Downloading files from the model hub (huggingface.co, or the mirror in settings' hubUrl()) the
 * way the hub serves them:
 *
 * - `GET|HEAD /<repo>/resolve/<revision>/<path>`: a small file answers 200 with `ETag` = its git blob
 *   id (SHA-1 of "blob <size>\0" + bytes); a large (LFS / Xet) file answers 302 to a signed,
 *   expiring CDN URL, with `X-Linked-Etag` = its SHA-256 and `X-Linked-Size` = its size. Both carry
 *   `X-Repo-Commit`, the commit the revision resolved to.
 * - The CDN answers `Range: bytes=N-` with 206 and `Content-Range: bytes N-(S-1)/S`: an interrupted
 *   download resumes from the bytes already on disk (a 200 means the range was ignored: start over).
 *   Every attempt starts again from /resolve/, as the signed URL expires.
 * - Errors: 401/403 (gated or private), 404 with `X-Error-Code` (EntryNotFound, RevisionNotFound,
 *   RepoNotFound), 429, 5xx; no connection at all when offline.
 * Every failure becomes a PullError with one line a user can act on.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, stat, truncate } from 'node:fs/promises'

export type PullErrorCode = 'offline' | 'hub-error' | 'checksum' | 'size' | 'interrupted' | 'unknown-model' | 'bad-model'

export class PullError extends Error {
  override name = 'PullError'
  constructor(
    readonly code: PullErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** What the hub says about a file before downloading it. */
export interface RemoteFile {
  url: string
  /** Size in bytes (X-Linked-Size, else Content-Length of a 200). */
  bytes?: number
  /** SHA-256 of a large file (X-Linked-Etag). */
  sha256?: string
  /** Git blob SHA-1 of a small file (ETag). */
  gitSha1?: string
  /** The commit the revision resolved to (X-Repo-Commit). */
  commit?: string
}

export const resolveUrl = (base: string, repo: string, revision: string, path: string): string =>
  `${base.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`

const hostOf = (url: string) => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/** A fetch that never rejects with a bare 'fetch failed': connection problems become PullError('offline'). */
async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    const why = cause?.code ?? cause?.message ?? (e as Error).message
    throw new PullError('offline', `cannot reach ${hostOf(url)} (${why}); check the network connection, or set TOKENSCOPE_HUB_URL to a mirror`)
  }
}

/** The one-line error for a hub answer that is not a file. */
export function hubError(res: Response, what: string): PullError {
  const code = res.headers.get('x-error-code')
  const hint =
    res.status === 401 || res.status === 403
      ? ': the repository is gated or private'
      : res.status === 429
        ? ': too many requests, try again later'
        : res.status >= 500
          ? ': the hub has a problem, try again later'
          : ''
  return new PullError('hub-error', `${hostOf(res.url || what)} answered ${res.status} ${res.statusText}${code ? ` (${code})` : ''} for ${what}${hint}`)
}

const unquote = (etag: string | null) => etag?.replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase()

/** Metadata of one file: HEAD without following the redirect, so a large file's own headers are seen. */
export async function remoteFile(url: string, what: string, signal?: AbortSignal): Promise<RemoteFile> {
  const res = await request(url, { method: 'HEAD', redirect: 'manual', signal })
  const commit = res.headers.get('x-repo-commit') ?? undefined
  if (res.status >= 300 && res.status < 400) {
    const linked = unquote(res.headers.get('x-linked-etag'))
    const size = res.headers.get('x-linked-size')
    return { url, commit, sha256: linked && /^[0-9a-f]{64}$/.test(linked) ? linked : undefined, bytes: size ? Number(size) : undefined }
  }
  if (!res.ok) throw hubError(res, what)
  const etag = unquote(res.headers.get('etag'))
  const length = res.headers.get('content-length')
  return {
    url,
    commit,
    bytes: length ? Number(length) : undefined,
    gitSha1: etag && /^[0-9a-f]{40}$/.test(etag) ? etag : undefined,
    sha256: etag && /^[0-9a-f]{64}$/.test(etag) ? etag : undefined,
  }
}

export interface DownloadOptions {
  /** The file's size when known: a partial file of that size is complete. */
  bytes?: number
  /** Called with every chunk's size as it lands on disk. */
  onBytes?: (n: number) => void
  /** Called when a transfer breaks and resumes (attempt number, bytes on disk). */
  onResume?: (attempt: number, at: number) => void
  signal?: AbortSignal
  /** Attempts after a broken transfer (default 4). */
  retries?: number
}

const sizeOf = async (path: string) => (await stat(path).catch(() => null))?.size ?? 0

/**
 * Downloads `url` into `dest`, resuming from the bytes already in `dest` (HTTP range). A transfer
 * that breaks is resumed up to `retries` times; after that, or after Ctrl-C, `dest` keeps what
 * arrived and the next call resumes from there.
 */
export async function download(url: string, dest: string, what: string, opts: DownloadOptions = {}): Promise<void> {
  const retries = opts.retries ?? 4
  for (let attempt = 0; ; attempt++) {
    const have = await sizeOf(dest)
    if (opts.bytes !== undefined && have === opts.bytes) return
    if (opts.bytes !== undefined && have > opts.bytes) await truncate(dest, 0)
    const from = Math.min(have, opts.bytes ?? Infinity)
    const res = await request(url, { headers: from > 0 ? { Range: `bytes=${from}-` } : {}, redirect: 'follow', signal: opts.signal })
    if (res.status === 416 && from > 0 && opts.bytes === undefined) {
      await res.body?.cancel()
      return // nothing left to send: the partial file was whole
    }
    if (res.status !== 200 && res.status !== 206) throw hubError(res, what)
    let at = from
    if (res.status === 200 || !contentRangeStartsAt(res, from)) at = 0 // the range was ignored: start over
    const file = await open(dest, at === 0 ? 'w' : 'a')
    try {
      if (!res.body) throw new PullError('interrupted', `${what}: the answer has no body`)
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        await file.write(chunk)
        at += chunk.length
        opts.onBytes?.(chunk.length)
      }
      return
    } catch (e) {
      if (opts.signal?.aborted || (e as Error).name === 'AbortError') throw e
      if (attempt >= retries) throw new PullError('interrupted', `${what}: the transfer broke off ${retries + 1} times (at ${at} bytes); run the command again to resume`)
      opts.onResume?.(attempt + 1, at)
    } finally {
      await file.close()
    }
  }
}

function contentRangeStartsAt(res: Response, from: number): boolean {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '')
  return !!m && Number(m[1]) === from
}

/** SHA-256 and git blob SHA-1 of a file, streamed; `onBytes` reports progress. */
export async function hashFile(path: string, onBytes?: (n: number) => void): Promise<{ sha256: string; gitSha1: string; bytes: number }> {
  const bytes = await sizeOf(path)
  const sha256 = createHash('sha256')
  const git = createHash('sha1').update(`blob ${bytes}\0`)
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 }) as AsyncIterable<Buffer>) {
    sha256.update(chunk)
    git.update(chunk)
    onBytes?.(chunk.length)
  }
  return { sha256: sha256.digest('hex'), gitSha1: git.digest('hex'), bytes }
}
