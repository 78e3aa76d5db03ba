/// <reference lib="dom" />
/**
 * The Electron shell: runs where Electron's binary is installed (skipped, with the reason, where
 * it is not — e.g. offline CI where the optional `electron` package could not download it).
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

function electronMissing(): string | undefined {
  let dir: string
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return "the optional 'electron' package is not installed"
  }
  const pathTxt = join(dir, 'path.txt')
  if (!existsSync(pathTxt) || !existsSync(join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim()))) return "Electron's binary was not downloaded"
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (DISPLAY / WAYLAND_DISPLAY unset)'
  if (!existsSync('out/main/index.js')) return "the app is not built (run 'npm run build')"
  return undefined
}

const missing = electronMissing()

/** What the main process saw of the window's last navigation attempt (kept on its globalThis). */
type NavigationWatch = { navigationAttempt?: Promise<{ url: string; refused: boolean }> }

test('the Electron window exposes only the typed API and answers through IPC', async () => {
  test.skip(Boolean(missing), `Electron cannot run here: ${missing}`)
  const app = await electron.launch({ args: ['out/main/index.js'] })
  try {
    const win = await app.firstWindow()
    const shape = await win.evaluate(() => ({
      api: typeof window.tokenscope,
      invoke: typeof window.tokenscope?.invoke,
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      keys: Object.keys(window.tokenscope ?? {}).sort(),
    }))
    expect(shape).toEqual({ api: 'object', invoke: 'function', require: 'undefined', process: 'undefined', keys: ['invoke', 'invokeReply', 'on'] })
    const info = await win.evaluate(() => window.tokenscope!.invoke('app:info', undefined))
    expect(info.shell).toBe('electron')
    const bad = await win.evaluate(() =>
      window.tokenscope!.invoke('video:probe', { path: '' }).then(
        () => 'accepted',
        (e: Error) => e.message,
      ),
    )
    expect(bad).toMatch(/path must be a non-empty string/)
    // Navigation away from the app is refused. A listener added now runs after the app's own
    // (added when the window's contents were created), so it sees the attempt and the app's answer.
    const before = win.url()
    await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0].webContents
      ;(globalThis as NavigationWatch).navigationAttempt = new Promise((resolve) => contents.once('will-navigate', (e: { url?: string; defaultPrevented: boolean }, url: string) => resolve({ url: e.url ?? url, refused: e.defaultPrevented })))
    })
    await win.evaluate(() => void (location.href = 'https://example.com/'))
    const attempt = await app.evaluate(() => (globalThis as NavigationWatch).navigationAttempt)
    expect(attempt).toEqual({ url: 'https://example.com/', refused: true })
    expect(win.url()).toBe(before)
    expect(await win.evaluate(() => location.href)).toBe(before)
    await win.screenshot({ path: test.info().outputPath('electron-window.png') })
  } finally {
    await app.close()
  }
})
