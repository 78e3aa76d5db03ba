// `npm install` (prepare) and the first `npx tokenscope` build the app, but only when the build
// is missing or older than the sources, so repeated installs and npx calls stay fast.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
const built = join(root, 'out', 'main', 'cli.js')
const sources = ['common', 'main', 'preload', 'renderer', 'native-models', 'package.json', 'electron.vite.config.ts']

function newest(path) {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return Math.max(s.mtimeMs, ...readdirSync(path).map((e) => newest(join(path, e))))
}

const stale = !existsSync(built) || sources.some((s) => existsSync(join(root, s)) && newest(join(root, s)) > statSync(built).mtimeMs)
if (stale) execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' })
