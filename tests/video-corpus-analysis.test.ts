/**
 * Kill and resume: an analysis of each corpus file (fixtures/corpus.ts) with count sampling
 * (`--frames K`), stopped after a few frames reached the cache and run again, must resume and end
 * with exactly the frames an uninterrupted analysis has (the first frame at or after each target,
 * by ffmpeg's own decode). The pixels behind those frames are video-corpus.test.ts's resumed-decode
 * check; equal pixels give equal tokens (main/analysis/analyze.test.ts).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeVideo } from '../main/analysis/analyze'
import { loadVideoTokens } from './support/cached-tokens'
import { probeVideo } from '../main/video/probe'
import type { Sampling } from '../common/video'
import { corpusClasses } from './fixtures/corpus'
import { countTargets, prepareCorpusFile as prepare } from './fixtures/corpus-reference'

const MODEL = 'tokenscope-dct16'

describe.each(corpusClasses.map((c) => c.id))('corpus: %s', (id) => {
  it('resumes an interrupted analysis (--frames K) with exactly the frames an uninterrupted one has', async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file, reference } = made
    const K = 10
    const sampling: Sampling = { mode: 'count', frames: K }
    const cacheDir = mkdtempSync(join(tmpdir(), 'ts-corpus-'))
    const controller = new AbortController()
    await expect(
      analyzeVideo({ path: file.path, modelId: MODEL, sampling, cacheDir, batchSize: 2, signal: controller.signal, onFrames: (n) => n >= 4 && controller.abort() }),
    ).rejects.toThrow()
    const resumed = await analyzeVideo({ path: file.path, modelId: MODEL, sampling, cacheDir, batchSize: 2 })
    expect(resumed).toMatchObject({ resumed: true, frames: K, complete: true })
    expect(resumed.resumedFrom).toBeGreaterThanOrEqual(4)
    expect(resumed.warning).toBeUndefined()
    const tokens = (await loadVideoTokens({ path: file.path, modelId: MODEL, sampling, cacheDir }))!
    const info = await probeVideo(file.path)
    expect(Array.from(tokens.pts)).toEqual(countTargets(reference.map((r) => r.pts), info.duration, K).map((p) => expect.closeTo(p, 5)))
  })
})
