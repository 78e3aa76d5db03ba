import { accessSync, constants, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, join } from 'node:path'
import { VideoError } from './errors'
import { run } from './run'

export type BinarySource = 'setting' | 'ffmpeg-static' | 'installer-package' | 'path'

export interface Binary {
  path: string
  /** Which link of the fallback chain gave this binary. */
  source: BinarySource
  /** First line of `<binary> -version`, e.g. "ffmpeg version 5.1.6-0+deb12u1 ...". */
  version: string
}

export interface Binaries {
  ffmpeg: Binary
  ffprobe: Binary
}

export interface BinaryOptions {
  ffmpeg?: string
  ffprobe?: string
}

export type Tool = 'ffmpeg' | 'ffprobe'

const envVar: Record<Tool, string> = { ffmpeg: 'TOKENSCOPE_FFMPEG', ffprobe: 'TOKENSCOPE_FFPROBE' }
const installerPackage: Record<Tool, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
}

const cache = new Map<string, Promise<Binaries>>()

/**
 * Finds ffmpeg and ffprobe, first match wins:
 *   1. an explicit setting: `opts.ffmpeg` / `opts.ffprobe`, else env TOKENSCOPE_FFMPEG / TOKENSCOPE_FFPROBE
 *      (a setting that does not run is an error, not skipped: the user asked for it);
 *   2. `ffmpeg-static` (optional dependency, ffmpeg only; its binary is often missing);
 *   3. `@ffmpeg-installer/ffmpeg` / `@ffprobe-installer/ffprobe` (binaries inside npm tarballs);
 *   4. `ffmpeg` / `ffprobe` on PATH.
 * Each candidate must exist and answer `-version`. The result is cached per setting.
 */
export function resolveBinaries(opts: BinaryOptions = {}): Promise<Binaries> {
  const ffmpegSetting = opts.ffmpeg ?? process.env[envVar.ffmpeg] ?? undefined
  const ffprobeSetting = opts.ffprobe ?? process.env[envVar.ffprobe] ?? undefined
  const key = JSON.stringify([ffmpegSetting ?? null, ffprobeSetting ?? null])
  let hit = cache.get(key)
  if (!hit) {
    hit = Promise.all([resolveTool('ffmpeg', ffmpegSetting), resolveTool('ffprobe', ffprobeSetting)]).then(
      ([ffmpeg, ffprobe]) => ({ ffmpeg, ffprobe }),
    )
    hit.catch(() => cache.delete(key))
    cache.set(key, hit)
  }
  return hit
}

/**
 * The next working binary down the chain after `current` (another path), or null. Some builds crash
 * on some inputs (the @ffprobe-installer ffprobe segfaults on every MPEG-TS file), so callers retry
 * a crashed run with this one.
 */
export async function nextInChain(tool: Tool, current: Binary): Promise<Binary | null> {
  const order: BinarySource[] = ['setting', 'ffmpeg-static', 'installer-package', 'path']
  for (const [source, find] of chainCandidates(tool)) {
    if (order.indexOf(source) <= order.indexOf(current.source)) continue
    const path = find()
    if (!path || path === current.path) continue
    const version = await versionOf(path)
    if (version !== null) return { path, source, version }
  }
  return null
}

function chainCandidates(tool: Tool): [BinarySource, () => string | null][] {
  return [
    ['ffmpeg-static', () => (tool === 'ffmpeg' ? packagePath('ffmpeg-static') : null)],
    ['installer-package', () => packagePath(installerPackage[tool])],
    ['path', () => onPath(tool)],
  ]
}

async function resolveTool(tool: Tool, setting: string | undefined): Promise<Binary> {
  if (setting) {
    const version = await versionOf(setting)
    if (version === null) {
      throw new VideoError(
        'ffmpeg-missing',
        `The ${tool} set in settings or ${envVar[tool]} (${setting}) does not run: fix the path or clear the setting.`,
      )
    }
    return { path: setting, source: 'setting', version }
  }
  for (const [source, find] of chainCandidates(tool)) {
    const path = find()
    if (!path) continue
    const version = await versionOf(path)
    if (version !== null) return { path, source, version }
  }
  throw new VideoError(
    'ffmpeg-missing',
    `${tool} was not found: install ffmpeg (e.g. apt install ffmpeg) or set ${envVar[tool]} to its path.`,
  )
}

/** The binary a package points to (`ffmpeg-static` exports the path; the installers export `.path`). */
function packagePath(name: string): string | null {
  try {
    const require = createRequire(import.meta.url)
    const mod = require(name) as string | { path?: string } | null
    const raw = typeof mod === 'string' ? mod : mod?.path
    if (!raw) return null
    // Inside a packaged Electron app the binary lives next to, not inside, the asar archive.
    const path = raw.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')
    return existsSync(path) ? path : null
  } catch {
    return null
  }
}

function onPath(tool: Tool): string | null {
  const exe = process.platform === 'win32' ? `${tool}.exe` : tool
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const path = join(dir, exe)
    try {
      accessSync(path, constants.X_OK)
      return path
    } catch {
      // not here
    }
  }
  return null
}

/** First line of `-version`, or null when the binary does not exist or does not run. */
async function versionOf(path: string): Promise<string | null> {
  if (!existsSync(path)) return null
  try {
    const { code, stdout } = await run(path, ['-hide_banner', '-version'])
    const first = stdout.split('\n')[0]?.trim()
    return code === 0 && first ? first : null
  } catch {
    return null
  }
}
