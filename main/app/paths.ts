import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The package root (the folder with TokenScope's package.json): the nearest ancestor of this
 * module that has one. From source that is the repo; from the build (out/main/*.js, or a chunk
 * below it) the installed package.
 */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && readPackage(pkg).name === 'tokenscope') return dir
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  throw new Error('cannot find the tokenscope package root above ' + fileURLToPath(import.meta.url))
}

const readPackage = (path: string): { name?: string; version?: string } => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return {}
  }
}

export const appVersion = (): string => readPackage(join(appRoot(), 'package.json')).version ?? '0.0.0'

/** The built renderer (index.html and assets), made by `npm run build`. */
export const rendererDir = (): string => join(appRoot(), 'out', 'renderer')

/** The built Electron main entry. */
export const electronMainEntry = (): string => join(appRoot(), 'out', 'main', 'index.js')
