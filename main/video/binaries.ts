import { accessSync, constants, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, delimiter, dirname, join } from 'node:path'
import { VideoError } from './errors'
import { run } from './run'

/** Where a binary was found; `beside-ffmpeg` is the ffprobe in the chosen ffmpeg's folder (same build). */
export type BinarySource = 'setting' | 'ffmpeg-static' | 'installer-package' | 'path' | 'beside-ffmpeg'

export interface Binary {
  path: string
  /** Which candidate gave this binary. */
  source: BinarySource
  /** First line of `<binary> -version`, e.g. "ffmpeg version 5.1.6-0+deb12u1 ...". */
  version: string
  /** Why this one: the setting, or which candidates it was preferred over (newest libavformat). */
  reason: string
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

/** A candidate that answered `-version`, with the libavformat version it was built with. */
interface Usable {
  path: string
  source: BinarySource
  version: string
  /** [major, minor, micro] of libavformat (the demuxers: what timestamps and seeks depend on); [] when not printed. */
  libavformat: number[]
}

const cache = new Map<string, Promise<Binaries>>()

/**
 * Finds ffmpeg and ffprobe:
 *   1. an explicit setting wins: `opts.ffmpeg` / `opts.ffprobe`, else env TOKENSCOPE_FFMPEG /
 *      TOKENSCOPE_FFPROBE (a setting that does not run is an error, not skipped: the user asked for it);
 *   2. otherwise the NEWEST usable build among the candidates — `ffmpeg-static` (optional
 *      dependency, ffmpeg only), the binaries inside `@ffmpeg-installer/ffmpeg` /
 *      `@ffprobe-installer/ffprobe`, and `ffmpeg` / `ffprobe` on PATH — newest by the libavformat
 *      version each prints with `-version` (a 2018 static build loses to a current system ffmpeg);
 *      on a tie the earlier candidate in that list;
 *   3. ffprobe, when not set, is preferably the one beside the chosen ffmpeg (the same build, so
 *      the timestamps ffprobe lists are the ones ffmpeg decodes), else the newest usable one.
 * "Usable" = exists and answers `-version`. The result is cached per setting; `reason` says why
 * each binary was chosen (probe and the app's about info show it).
 */
export function resolveBinaries(opts: BinaryOptions = {}): Promise<Binaries> {
  const ffmpegSetting = opts.ffmpeg ?? process.env[envVar.ffmpeg] ?? undefined
  const ffprobeSetting = opts.ffprobe ?? process.env[envVar.ffprobe] ?? undefined
  const key = JSON.stringify([ffmpegSetting ?? null, ffprobeSetting ?? null])
  let hit = cache.get(key)
  if (!hit) {
    hit = (async () => {
      const ffmpeg = await resolveTool('ffmpeg', ffmpegSetting)
      const ffprobe = await resolveTool('ffprobe', ffprobeSetting, ffmpeg)
      return { ffmpeg, ffprobe }
    })()
    hit.catch(() => cache.delete(key))
    cache.set(key, hit)
  }
  return hit
}

/**
 * The preferred usable binary other than `current` (newest first), or null. Some builds
 * crash on some inputs (the @ffprobe-installer ffprobe segfaults on every MPEG-TS file), so callers
 * retry a crashed run with this one.
 */
export async function nextInChain(tool: Tool, current: Binary): Promise<Binary | null> {
  const next = (await rankedCandidates(tool)).find((c) => c.path !== current.path)
  return next ? { path: next.path, source: next.source, version: next.version, reason: `fallback after ${current.path} crashed` } : null
}

function candidatePaths(tool: Tool): [BinarySource, string | null][] {
  return [
    ['ffmpeg-static', tool === 'ffmpeg' ? packagePath('ffmpeg-static') : null],
    ['installer-package', packagePath(installerPackage[tool])],
    ['path', onPath(tool)],
  ]
}

/** Usable candidates, newest libavformat first; equal versions keep candidate order. */
async function rankedCandidates(tool: Tool): Promise<Usable[]> {
  const found = await Promise.all(
    candidatePaths(tool).map(async ([source, path]) => (path ? usable(path, source) : null)),
  )
  const list = found.filter((c): c is Usable => c !== null)
  return list.map((c, i) => [c, i] as const).sort(([a, i], [b, j]) => compareVersions(b.libavformat, a.libavformat) || i - j).map(([c]) => c)
}

async function resolveTool(tool: Tool, setting: string | undefined, ffmpeg?: Binary): Promise<Binary> {
  if (setting) {
    const found = await usable(setting, 'setting')
    if (!found) {
      throw new VideoError(
        'ffmpeg-missing',
        `The ${tool} set in settings or ${envVar[tool]} (${setting}) does not run: fix the path or clear the setting.`,
      )
    }
    return { path: setting, source: 'setting', version: found.version, reason: `set by ${envVar[tool]} or the settings` }
  }
  const ranked = await rankedCandidates(tool)
  if (ffmpeg && tool === 'ffprobe') {
    const beside = join(dirname(ffmpeg.path), basename(ffmpeg.path).replace(/ffmpeg/i, 'ffprobe'))
    const same = beside !== ffmpeg.path ? ranked.find((c) => c.path === beside) ?? (await usable(beside, 'beside-ffmpeg')) : null
    if (same) return { path: same.path, source: same.source, version: same.version, reason: `the same build as ffmpeg (${ffmpeg.path})` }
  }
  const best = ranked[0]
  if (!best) {
    throw new VideoError(
      'ffmpeg-missing',
      `${tool} was not found: install ffmpeg (e.g. apt install ffmpeg) or set ${envVar[tool]} to its path.`,
    )
  }
  const others = ranked.slice(1).map((c) => `${c.source} ${versionName(c)}`)
  const reason = others.length ? `newest of ${ranked.length} found (${versionName(best)}; over ${others.join(', ')})` : `the only ${tool} found`
  return { path: best.path, source: best.source, version: best.version, reason }
}

/** "5.1.9-0+deb12u1 (libavformat 59.27.100)". */
function versionName(c: Usable): string {
  const name = /version\s+(\S+)/.exec(c.version)?.[1] ?? 'unknown version'
  return c.libavformat.length ? `${name}, libavformat ${c.libavformat.join('.')}` : name
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1)
    if (d) return d
  }
  return 0
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

/** The binary's `-version` facts, or null when it does not exist or does not run. */
async function usable(path: string, source: BinarySource): Promise<Usable | null> {
  if (!existsSync(path)) return null
  try {
    const { code, stdout } = await run(path, ['-hide_banner', '-version'])
    const version = stdout.split('\n')[0]?.trim()
    if (code !== 0 || !version) return null
    const lib = /^libavformat\s+(\d+)\.\s*(\d+)\.\s*(\d+)/m.exec(stdout)
    return { path, source, version, libavformat: lib ? lib.slice(1, 4).map(Number) : [] }
  } catch {
    return null
  }
}
