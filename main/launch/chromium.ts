import { execFileSync } from 'node:child_process'

/** Chromium to drive (e2e, bench): PLAYWRIGHT_CHROMIUM_PATH, else `chromium` on PATH (Debian: /usr/bin/chromium). */
export function chromiumPath(): string | undefined {
  if (process.env.PLAYWRIGHT_CHROMIUM_PATH) return process.env.PLAYWRIGHT_CHROMIUM_PATH
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim()
      if (found) return found
    } catch {
      // not on PATH; try the next name
    }
  }
  return undefined // Playwright's own browser, if one is installed
}

/**
 * Flags for a headless Chromium on a closed network: without the background-networking flags it
 * keeps trying (and failing) to reach Google's hosts; --no-sandbox because CI runs as root.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
