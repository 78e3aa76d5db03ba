/**
 * The app's own scheme, app://tokenscope/, serving the built renderer instead of file:// (Electron's
 * security checklist, item 18): pages get a real origin of their own, file:// gets no special
 * standing, and a request can only reach files inside out/renderer — no traversal, no symlink out.
 */
import { realpathSync, statSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

export const APP_SCHEME = 'app'
export const APP_HOST = 'tokenscope'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_INDEX = `${APP_ORIGIN}/index.html`

/** The scheme's privileges, registered before the app is ready: a standard, secure origin that may use fetch. */
export const appSchemePrivileges = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }

/** The file an app:// URL names inside `rendererDir`, or null (another host, traversal, a symlink out, not a file). */
export function appUrlToFile(url: string, rendererDir: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null
  let pathname: string
  try {
    pathname = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null
  if (pathname.endsWith('/')) pathname += 'index.html'
  try {
    const root = realpathSync(rendererDir)
    const real = realpathSync(resolve(root, '.' + pathname))
    return real.startsWith(root + sep) && statSync(real).isFile() ? real : null
  } catch {
    return null
  }
}

/** The part of Electron's protocol and net modules used here (typed locally: `electron` is optional). */
interface ProtocolLike {
  handle(scheme: string, handler: (request: { url: string }) => Response | Promise<Response>): void
}
interface NetLike {
  fetch(url: string): Promise<Response>
}

/** Serves app:// from `rendererDir`; anything else is a 404. */
export function serveAppScheme(protocol: ProtocolLike, net: NetLike, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => {
    const file = appUrlToFile(request.url, rendererDir)
    return file ? net.fetch(pathToFileURL(file).href) : new Response('not found', { status: 404 })
  })
}
