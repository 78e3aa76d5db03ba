import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { APP_ORIGIN } from './app-protocol'

/**
 * Is `frameUrl` a page of our own renderer? In the built app that is a page of app://tokenscope/
 * (app-protocol.ts), or a file:// URL inside `rendererDir` (out/renderer); under
 * `electron-vite dev`, the dev server's origin `devUrl`.
 * Anything else (a navigated-away page, an injected frame, about:blank) is refused.
 */
export function isOurRenderer(frameUrl: string | undefined, rendererDir: string, devUrl?: string): boolean {
  if (!frameUrl) return false
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (`${url.protocol}//${url.host}` === APP_ORIGIN) return true
  if (url.protocol === 'file:') {
    const file = fileURLToPath(url)
    return file.startsWith(rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep)
  }
  if (devUrl) {
    try {
      return url.origin === new URL(devUrl).origin
    } catch {
      return false
    }
  }
  return false
}
