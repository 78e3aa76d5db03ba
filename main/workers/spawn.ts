/**
 * Starting a worker thread from its module name, both from the build and from source.
 *
 * electron-vite builds each worker entry to `out/main/<basename>.js` (see electron.vite.config.ts).
 * From source (vitest, tsx) this module's own URL ends in `.ts`: the worker then starts from a tiny
 * bootstrap that registers tsx's loader inside the worker and imports the `.ts` file (on Node 20
 * `execArgv: ['--import', 'tsx']` does not reach worker threads).
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Where worker `name` lives: `name` is its path under main/ without extension, e.g.
 * 'encoder/encode-worker' (source main/encoder/encode-worker.ts, built out/main/encode-worker.js).
 */
export function workerLocation(name: string, here = import.meta.url): { url: URL; fromSource: boolean } {
  if (here.endsWith('.ts')) return { url: new URL(`../${name}.ts`, here), fromSource: true }
  const file = `${name.split('/').at(-1)}.js`
  // This module may have been bundled into out/main/ itself or into a chunk folder below it.
  const candidates = [new URL(`./${file}`, here), new URL(`../${file}`, here)]
  return { url: candidates.find((u) => existsSync(u)) ?? candidates[0], fromSource: false }
}

export function spawnWorker(name: string, data?: unknown): Worker {
  const { url, fromSource } = workerLocation(name)
  if (!fromSource) return new Worker(url, { workerData: data })
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(bootstrap, { eval: true, workerData: data })
}
