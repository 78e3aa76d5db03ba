/**
 * The UI benchmark: opens the built renderer's bench.html in Chromium (Playwright) and reads
 * what it measured (renderer/src/bench/main.ts): timeline redraw of a 3-hour video at several
 * zooms, and a 1-hour token map decoded and delivered through the real browser-mode host.
 */
import { existsSync } from 'node:fs'
import { startHost } from '../host/server'
import { rendererDir } from '../app/paths'
import type { AppServices } from '../app/services'
import { chromiumPath, chromiumArgs } from '../launch/chromium'
import { syntheticTokenMap } from '../../common/bench/synthetic-token-map'
import { encodeTokenMap } from '../../common/codec/token-map-codec'
import { frameShare } from '../../common/token-map'
import type { RunMethodResponse } from '../../common/ipc/contract'

export interface UiBench {
  rows: { name: string; medianMs: number; p95Ms: number; targetMs?: number }[]
  pass: boolean
}

/** Host services for the bench page: only `method:run`, answering a prepared 1-hour result. */
function deliveryServices(): Pick<AppServices, 'handlers' | 'on'> {
  const map = syntheticTokenMap(3600)
  const methodRun = async (): Promise<RunMethodResponse> => ({
    // Encoded per request, as the real handler does for each result.
    map: encodeTokenMap(map),
    report: { budgetTokens: map.tokenSizes.length, tokensOut: map.tokenSizes.length, derived: {}, notes: [] },
    metrics: {},
    frameShare: frameShare(map),
    elapsedMs: 0,
  })
  // The other channels are never called by the bench page.
  return { handlers: { 'method:run': methodRun } as unknown as AppServices['handlers'], on: () => () => {} }
}

/** What this machine lacks to run a bench (the user's to fix: the CLI prints it without a stack). */
export class BenchSetupError extends Error {
  override name = 'BenchSetupError'
}

export async function benchUi(): Promise<UiBench> {
  const dir = rendererDir()
  if (!existsSync(`${dir}/bench.html`)) throw new Error(`no built renderer at ${dir}; run 'npm run build' first`)
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs }).catch((e: Error) => {
    const why = e.message.split('\n')[0]
    throw new BenchSetupError(`the UI bench needs Chromium: install it (Debian: apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_PATH (${why})`)
  })
  const host = await startHost({ services: deliveryServices(), rendererDir: dir }).catch(async (e: unknown) => {
    await browser.close()
    throw e
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const url = new URL(host.url)
    url.pathname = '/bench.html'
    url.searchParams.set('delivery', '1')
    await page.goto(url.href)
    await page.waitForFunction(() => window.__benchResult?.done === true, undefined, { timeout: 300_000 })
    const result = await page.evaluate(() => window.__benchResult!)
    if (result.error) throw new Error(`bench page failed: ${result.error}`)
    const rows = Object.entries(result.results).map(([name, r]) => ({ name, medianMs: r.median, p95Ms: r.p95, targetMs: r.targetMs }))
    return { rows, pass: result.pass }
  } finally {
    await browser.close()
    await host.close()
  }
}

declare global {
  interface Window {
    __benchResult?: { done: boolean; results: Record<string, { median: number; p95: number; targetMs?: number }>; pass: boolean; error?: string }
  }
}
