/// <reference lib="dom" />
/**
 * Fixtures for the browser-mode e2e suite: a host process of the BUILT app
 * (`node bin/tokenscope.js serve --port 0`, out/ from `npm run build`) with a temporary cache and
 * data folder, one per worker; and a generated clip with scene cuts.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, type Locator, type Page, test as base } from '@playwright/test'
import { makeClip } from '../tests/fixtures/videos'
import { hubClipFiles, hubRepo } from '../tests/fixtures/hub-repo'
import { type HubServer, startHubServer } from '../tests/support/hub-server'
import type { TokenScopeApi } from '../common/ipc/contract'

// What the page exposes (renderer/src/api/client.ts declares the same for the renderer's build).
declare global {
  interface Window {
    tokenscope?: TokenScopeApi
    __tokenscope_debug?: { api: TokenScopeApi; last: Record<string, unknown>; progress?: unknown }
  }
}

export interface HostProcess {
  /** Page URL with the token. */
  url: string
  origin: string
  token: string
  cacheDir: string
}

const root = resolve(import.meta.dirname, '..')

/** Starts a host of the built app (`serve --port 0`) with its own cache and data folders and model hub; resolves with its URL. */
export async function startHostProcess(cacheDir: string, dataDir: string, hubUrl: string): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(join(root, 'out', 'main', 'cli.js')) || !existsSync(join(root, 'out', 'renderer', 'index.html'))) {
    throw new Error("the app is not built: run 'npm run build' before the e2e suite")
  }
  const child = spawn(process.execPath, [join(root, 'bin', 'tokenscope.js'), 'serve', '--port', '0', '--cache', cacheDir], {
    cwd: root,
    env: { ...process.env, TOKENSCOPE_CACHE_DIR: cacheDir, TOKENSCOPE_DATA_DIR: dataDir, TOKENSCOPE_HUB_URL: hubUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the host did not print its URL within 60 s:\n${out}`)), 60_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out)
      if (m) {
        clearTimeout(timer)
        ok(m[0])
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`the host exited (${code}) before printing its URL:\n${out}`))
    })
  })
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout!.resume()
  child.stderr!.on('data', (c: Buffer) => process.stderr.write(`[host] ${c}`))
  return { child, url }
}

export const test = base.extend<{ app: Page }, { host: HostProcess; clip: string; hub: HubServer }>({
  /** A local model hub on 127.0.0.1 serving a generated CLIP-shaped repository as Xenova/clip-vit-base-patch16 (the host downloads from it). */
  hub: [
    async ({}, use) => {
      const hub = await startHubServer([hubRepo('Xenova/clip-vit-base-patch16', hubClipFiles())])
      await use(hub)
      await hub.close()
    },
    { scope: 'worker' },
  ],
  host: [
    async ({ hub }, use) => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'tokenscope-e2e-cache-'))
      const dataDir = mkdtempSync(join(tmpdir(), 'tokenscope-e2e-data-'))
      const { child, url } = await startHostProcess(cacheDir, dataDir, hub.url)
      const parsed = new URL(url)
      await use({ url, origin: parsed.origin, token: parsed.searchParams.get('token')!, cacheDir })
      const exited = new Promise((ok) => child.once('exit', ok))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))])
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(cacheDir, { recursive: true, force: true })
      rmSync(dataDir, { recursive: true, force: true })
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  clip: [
    async ({}, use) => {
      // 4 s at 8 fps with a hard cut every second: 32 frames, distinct scenes.
      await use(await makeClip({ seconds: 4, fps: 8, width: 320, height: 240, kind: 'cuts' }))
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  /** The UI, loaded from the host with its token. */
  app: async ({ page, host }, use) => {
    page.on('pageerror', (e) => console.error('[page error]', e.message))
    await page.goto(host.url)
    await use(page)
  },
})

export { expect }

/**
 * A fingerprint of what a canvas shows: a hash of its pixels and how many pixels are painted
 * (non-transparent). Reads through toDataURL, so it works for 2D and WebGL canvases alike.
 */
export async function canvasPixels(canvas: Locator): Promise<{ hash: string; painted: number; width: number; height: number }> {
  return canvas.evaluate(async (el) => {
    const c = el as HTMLCanvasElement
    const img = new Image()
    img.src = c.toDataURL('image/png')
    await img.decode()
    const copy = document.createElement('canvas')
    copy.width = c.width
    copy.height = c.height
    const ctx = copy.getContext('2d')!
    ctx.drawImage(img, 0, 0)
    const data = ctx.getImageData(0, 0, c.width, c.height).data
    let h = 0x811c9dc5
    let painted = 0
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193)
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++
    return { hash: (h >>> 0).toString(16), painted, width: c.width, height: c.height }
  })
}

/** Waits until the canvas shows something other than `before` (and is painted at all). */
export async function expectCanvasChanged(canvas: Locator, before: string, what: string): Promise<string> {
  let now = before
  await expect
    .poll(async () => {
      const px = await canvasPixels(canvas)
      now = px.hash
      return px.painted > 0 && px.hash !== before
    }, { message: `${what} should change`, timeout: 60_000 })
    .toBe(true)
  return now
}
