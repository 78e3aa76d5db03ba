import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveBinaries } from './binaries'
import { VideoError } from './errors'
import { run } from './run'

/** libavformat [major, minor, micro] a binary prints with -version. */
async function libavformat(path: string): Promise<number[]> {
  const { stdout } = await run(path, ['-hide_banner', '-version'])
  return /^libavformat\s+(\d+)\.\s*(\d+)\.\s*(\d+)/m.exec(stdout)!.slice(1, 4).map(Number)
}
const newer = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

const DEBIAN = { ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' }

describe('resolveBinaries', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env.TOKENSCOPE_FFMPEG = saved.TOKENSCOPE_FFMPEG
    process.env.TOKENSCOPE_FFPROBE = saved.TOKENSCOPE_FFPROBE
    if (saved.TOKENSCOPE_FFMPEG === undefined) delete process.env.TOKENSCOPE_FFMPEG
    if (saved.TOKENSCOPE_FFPROBE === undefined) delete process.env.TOKENSCOPE_FFPROBE
  })

  it('picks an explicit setting and reports its version', async () => {
    const b = await resolveBinaries(DEBIAN)
    expect(b.ffmpeg).toMatchObject({ path: DEBIAN.ffmpeg, source: 'setting' })
    expect(b.ffprobe).toMatchObject({ path: DEBIAN.ffprobe, source: 'setting' })
    expect(b.ffmpeg.version).toMatch(/^ffmpeg version \S+/)
    expect(b.ffprobe.version).toMatch(/^ffprobe version \S+/)
  })

  it('reads the setting from TOKENSCOPE_FFMPEG / TOKENSCOPE_FFPROBE', async () => {
    process.env.TOKENSCOPE_FFMPEG = DEBIAN.ffmpeg
    process.env.TOKENSCOPE_FFPROBE = DEBIAN.ffprobe
    const b = await resolveBinaries()
    expect(b.ffmpeg.source).toBe('setting')
    expect(b.ffmpeg.path).toBe(DEBIAN.ffmpeg)
    expect(b.ffprobe.source).toBe('setting')
  })

  it('falls back along the chain without a setting, skipping a missing ffmpeg-static binary', async () => {
    delete process.env.TOKENSCOPE_FFMPEG
    delete process.env.TOKENSCOPE_FFPROBE
    const b = await resolveBinaries()
    expect(['ffmpeg-static', 'installer-package', 'path']).toContain(b.ffmpeg.source)
    expect(['installer-package', 'path']).toContain(b.ffprobe.source)
    expect(b.ffmpeg.version).toMatch(/^ffmpeg version/)
    // Cached: the same answer object for the same settings.
    expect(await resolveBinaries()).toBe(await resolveBinaries())
  })

  it('prefers the newest build found over the chain order, and the ffprobe of the same build', async () => {
    delete process.env.TOKENSCOPE_FFMPEG
    delete process.env.TOKENSCOPE_FFPROBE
    const require = createRequire(import.meta.url)
    const installed = (name: string) => {
      try {
        const mod = require(name) as string | { path: string }
        return typeof mod === 'string' ? mod : mod.path
      } catch {
        return '' // not installed (ffmpeg-static's binary often is not)
      }
    }
    const candidates = [installed('ffmpeg-static'), installed('@ffmpeg-installer/ffmpeg'), '/usr/bin/ffmpeg'].filter((p) => p && existsSync(p))
    const versions = await Promise.all(candidates.map(libavformat))
    const newest = candidates[versions.indexOf([...versions].sort(newer).at(-1)!)]
    const b = await resolveBinaries()
    expect(b.ffmpeg.path).toBe(newest)
    expect(b.ffmpeg.reason).toMatch(/^newest of \d+ found/)
    const beside = join(dirname(b.ffmpeg.path), 'ffprobe')
    if (existsSync(beside)) {
      expect(b.ffprobe.path).toBe(beside)
      expect(b.ffprobe.reason).toMatch(/same build/)
    }
  })

  it('rejects a setting that does not run with ffmpeg-missing', async () => {
    const err = await resolveBinaries({ ffmpeg: '/nonexistent/ffmpeg' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VideoError)
    expect((err as VideoError).code).toBe('ffmpeg-missing')
    expect((err as VideoError).message).toContain('/nonexistent/ffmpeg')
  })
})
