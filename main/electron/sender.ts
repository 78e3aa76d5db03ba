import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Is `frameUrl` a page of our own renderer? In a packaged/built app that is a file:// URL inside
 * `rendererDir` (out/renderer); under `electron-vite dev`, the dev server's origin `devUrl`.
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
