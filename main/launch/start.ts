/**
 * Launching the app: `tokenscope start` runs the Electron window when Electron's binary is
 * installed and a display exists, and falls back to browser mode (saying why) otherwise;
 * `tokenscope serve` is browser mode only. Both print the URL with its token.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createAppServices } from '../app/services'
import { AppError } from '../app/errors'
import { electronMainEntry, rendererDir } from '../app/paths'
import { type Host, startHost } from '../host/server'

export interface ServeOptions {
  /** 0 = any free port (default). */
  port?: number
  /** Open the URL in the user's browser when a desktop session exists. */
  open?: boolean
  cacheDir?: string
  /** Printed before the URL (e.g. why Electron is not used). */
  reason?: string
  log?: (line: string) => void
}

/** The installed `electron` package's folder, if the optional dependency is installed. */
function electronPackageDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return undefined
  }
}

/** Where Electron's binary is, or why it cannot be used. */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env, pkgDir = electronPackageDir()): { path: string } | { reason: string } {
  if (!pkgDir) return { reason: "the optional 'electron' package is not installed" }
  const pathTxt = join(pkgDir, 'path.txt')
  if (!existsSync(pathTxt)) return { reason: `the 'electron' package at ${pkgDir} has no downloaded binary (no path.txt)` }
  const relative = readFileSync(pathTxt, 'utf8').trim()
  const bin = join(env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist'), relative)
  if (!existsSync(bin)) return { reason: `Electron's binary is missing at ${bin}` }
  return { path: bin }
}

/** A graphical session to show a window or a browser in. */
export const hasDesktop = (env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean =>
  platform === 'darwin' || platform === 'win32' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)

/** Opens `url` in the default browser; never throws (a headless box just has no browser). */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [cmd, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore' })
    child.on('error', () => {})
    child.unref()
  } catch {
    // no opener on this system: the printed URL is enough
  }
}

/** Browser mode: serves the built UI on 127.0.0.1 until SIGINT/SIGTERM; prints the URL. */
export async function serveCommand(opts: ServeOptions = {}): Promise<Host> {
  const log = opts.log ?? ((line: string) => console.log(line))
  const services = createAppServices({ shell: 'browser', cacheDir: opts.cacheDir })
  const host = await startHost({ port: opts.port ?? 0, host: '127.0.0.1', services, rendererDir: rendererDir() }).catch(async (e: NodeJS.ErrnoException) => {
    await services.close()
    if (e.code === 'EADDRINUSE') throw new AppError('port-in-use', `port ${opts.port} is in use; pick another with --port`)
    throw e
  })
  if (opts.reason) log(opts.reason)
  log(`TokenScope is running in browser mode at\n  ${host.url}\n(only this machine can connect; from another machine use: ssh -L ${host.port}:127.0.0.1:${host.port} <this host>). Ctrl+C stops it.`)
  if (opts.open && hasDesktop()) openInBrowser(host.url)
  const stop = () => {
    void Promise.allSettled([host.close(), services.close()]).then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return host
}

/** The desktop app when Electron can run here, else browser mode (saying why). */
export async function startCommand(opts: Omit<ServeOptions, 'reason'> = {}): Promise<void> {
  const electron = findElectronBinary()
  const entry = electronMainEntry()
  let why: string
  if ('reason' in electron) why = `Electron's binary is not installed here (${electron.reason})`
  else if (!hasDesktop()) why = 'there is no display here (DISPLAY / WAYLAND_DISPLAY unset)'
  else if (!existsSync(entry)) why = `the app is not built (${entry} is missing; run 'npm run build')`
  else {
    const child = spawn(electron.path, [entry], { stdio: 'inherit' })
    const code = await new Promise<number>((ok) => {
      child.on('exit', (c) => ok(c ?? 0))
      child.on('error', (e) => {
        console.error(`could not start Electron (${e.message})`)
        ok(1)
      })
    })
    process.exitCode = code
    return
  }
  await serveCommand({ ...opts, open: opts.open ?? true, reason: `${why}; serving the same UI in browser mode.` })
}
