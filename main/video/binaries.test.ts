import { afterEach, describe, expect, it } from 'vitest'
import { resolveBinaries } from './binaries'
import { VideoError } from './errors'

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

  it('rejects a setting that does not run with ffmpeg-missing', async () => {
    const err = await resolveBinaries({ ffmpeg: '/nonexistent/ffmpeg' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VideoError)
    expect((err as VideoError).code).toBe('ffmpeg-missing')
    expect((err as VideoError).message).toContain('/nonexistent/ffmpeg')
  })
})
