import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveBinaries } from './binaries'
import { decodeFrames } from './decode'
import { makeDemoVideo } from './demo'
import { probeVideo } from './probe'

describe('makeDemoVideo', () => {
  it.each([
    ['default chain', {}],
    ['Debian ffmpeg 5.1', { ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' }],
  ])('makes a clip with distinct scenes (%s)', async (_name, settings) => {
    const binaries = await resolveBinaries(settings)
    // Into a folder that does not exist yet, as the app's first start does (<cache>/demo/).
    const out = join(mkdtempSync(join(tmpdir(), 'tokenscope-demo-')), 'demo', 'demo.mp4')
    expect(await makeDemoVideo(out, { seconds: 5, width: 160, height: 90, binaries })).toBe(out)
    const info = await probeVideo(out, { binaries })
    expect(info).toMatchObject({ width: 160, height: 90, fps: 30, codec: 'h264', hasAudio: false })
    expect(info.duration).toBeCloseTo(5, 1)
    // Count sampling with 5 frames lands in the middle of each of the 5 one-second scenes.
    const frames: Uint8Array[] = []
    for await (const f of decodeFrames(out, { sampling: { mode: 'count', frames: 5 }, width: 32, height: 18, resize: 'squash', binaries })) {
      frames.push(f.data)
    }
    expect(frames).toHaveLength(5)
    for (let i = 1; i < frames.length; i++) {
      let diff = 0
      for (let j = 0; j < frames[i].length; j++) diff += Math.abs(frames[i][j] - frames[i - 1][j])
      expect(diff / frames[i].length).toBeGreaterThan(20)
    }
  })
})
