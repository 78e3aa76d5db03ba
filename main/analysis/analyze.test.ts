import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeClip, makeTruncated } from '../../tests/fixtures/videos'
import { analyzeVideo } from './analyze'
import { loadVideoTokens } from '../../tests/support/cached-tokens'
import type { Sampling } from '../../common/video'

const model = 'tokenscope-dct16'
const tmp = () => mkdtempSync(join(tmpdir(), 'ts-analyze-'))

describe('analyzeVideo', () => {
  it('encodes the sampled frames once, then answers from the cache', async () => {
    const path = await makeClip({ seconds: 6, fps: 25, width: 320, height: 180, kind: 'cuts' })
    const cacheDir = tmp()
    const sampling: Sampling = { mode: 'fps', fps: 2 }
    const first = await analyzeVideo({ path, modelId: model, sampling, cacheDir })
    expect(first).toMatchObject({ frames: 12, fromCache: false, complete: true, resumed: false, provider: 'cpu', grid: { h: 14, w: 14 }, dim: 192 })
    const again = await analyzeVideo({ path, modelId: model, sampling, cacheDir })
    expect(again).toMatchObject({ frames: 12, fromCache: true, complete: true })

    const tokens = (await loadVideoTokens({ path, modelId: model, sampling, cacheDir }))!
    expect(tokens.tokens).toHaveLength(12)
    // The first frame at or after each half second of a 25 fps clip.
    const expected = Array.from({ length: 12 }, (_, i) => Math.ceil((i / 2) * 25 - 1e-9) / 25)
    tokens.pts.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 6))
    expect(tokens.importanceKind).toBe('saliency-proxy')
    const importanceSum = tokens.importance![5].reduce((a, b) => a + b, 0)
    expect(importanceSum).toBeCloseTo(1, 5)
  })

  it('resumes an interrupted analysis and ends with the same tokens as an uninterrupted one', async () => {
    const path = await makeClip({ seconds: 8, fps: 25, width: 320, height: 180, kind: 'motion' })
    const sampling: Sampling = { mode: 'fps', fps: 4 }
    const clean = tmp()
    await analyzeVideo({ path, modelId: model, sampling, cacheDir: clean, batchSize: 4 })
    const reference = (await loadVideoTokens({ path, modelId: model, sampling, cacheDir: clean }))!

    const cacheDir = tmp()
    const controller = new AbortController()
    await expect(
      analyzeVideo({
        path, modelId: model, sampling, cacheDir, batchSize: 4, signal: controller.signal,
        onFrames: (ready) => ready >= 12 && controller.abort(),
      }),
    ).rejects.toThrow()
    const partial = (await loadVideoTokens({ path, modelId: model, sampling, cacheDir }))!
    expect(partial.tokens.length).toBeGreaterThanOrEqual(12)
    expect(partial.tokens.length).toBeLessThan(reference.tokens.length)

    const resumed = await analyzeVideo({ path, modelId: model, sampling, cacheDir, batchSize: 4 })
    expect(resumed.resumed).toBe(true)
    expect(resumed.resumedFrom).toBe(partial.tokens.length)
    expect(resumed.frames).toBe(reference.tokens.length)
    const all = (await loadVideoTokens({ path, modelId: model, sampling, cacheDir }))!
    expect(Array.from(all.pts)).toEqual(Array.from(reference.pts))
    for (let t = 0; t < all.tokens.length; t++) expect(all.tokens[t]).toEqual(reference.tokens[t])
  })

  it('keeps the frames of a damaged file and says so', async () => {
    const path = await makeTruncated()
    const summary = await analyzeVideo({ path, modelId: model, sampling: { mode: 'fps', fps: 5 }, cacheDir: tmp() })
    expect(summary.frames).toBeGreaterThan(0)
    expect(summary.complete).toBe(false)
    expect(summary.warning).toBeTruthy()
  })
})
