import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeClip } from '../../tests/fixtures/videos'
import { VideoError } from './errors'
import { fingerprintVideo, sampleOffsets } from './fingerprint'

describe('fingerprintVideo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenscope-fp-'))

  it('is the same for the same bytes under another name, and hex of 32 chars', async () => {
    const path = await makeClip({ seconds: 2, fps: 25, width: 160, height: 120, kind: 'testsrc' })
    const copy = join(dir, 'renamed.mp4')
    copyFileSync(path, copy)
    const a = await fingerprintVideo(path)
    expect(a).toMatch(/^[0-9a-f]{32}$/)
    expect(await fingerprintVideo(copy)).toBe(a)
    const other = await makeClip({ seconds: 2, fps: 25, width: 160, height: 120, kind: 'motion' })
    expect(await fingerprintVideo(other)).not.toBe(a)
  })

  it('sees a change in a sampled region of a large file and the size', async () => {
    const bytes = Buffer.alloc(8 * 1024 * 1024, 7)
    const big = join(dir, 'big.bin')
    writeFileSync(big, bytes)
    const base = await fingerprintVideo(big)
    bytes[bytes.length - 1] = 8 // in the tail sample
    writeFileSync(big, bytes)
    expect(await fingerprintVideo(big)).not.toBe(base)
    writeFileSync(big, bytes.subarray(0, bytes.length - 1))
    expect(await fingerprintVideo(big)).not.toBe(base)
  })

  it('reads head, tail and evenly spaced samples', () => {
    const size = 100 * 1024 * 1024
    const offsets = sampleOffsets(size)
    expect(offsets).toHaveLength(10)
    expect(offsets[0]).toBe(0)
    expect(offsets[9]).toBe(size - 64 * 1024)
    expect(sampleOffsets(100 * 1024)).toEqual([0, 64 * 1024])
  })

  it('gives VideoError missing for a missing file', async () => {
    const err = await fingerprintVideo('/nonexistent/a.mp4').catch((e: unknown) => e)
    expect((err as VideoError).code).toBe('missing')
  })
})
