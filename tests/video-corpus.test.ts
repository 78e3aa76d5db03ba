/**
 * Every file of the real-world corpus (fixtures/corpus.ts) against ffmpeg's own decode from the
 * start (framemd5): probe fields, sampled frames (times and pixels, also of a resumed decode), the
 * frame view at the first, a middle and the last frame, an interrupted and resumed analysis, and
 * count sampling (`--frames K`). The analysis checks frame times; the pixels behind them are the
 * sampling check's (the built-in encoder turns equal pixels into equal tokens, which
 * main/analysis/analyze.test.ts checks for a resumed run).
 */
import { createHash } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeVideo, loadVideoTokens } from '../main/analysis/analyze'
import { decodeFrameAt, decodeFrames, listFramePts } from '../main/video/decode'
import { displaySize, probeVideo } from '../main/video/probe'
import type { Sampling } from '../common/video'
import { corpusClasses, makeCorpusFile, type CorpusFile } from './fixtures/corpus'
import { frameChecksums, type FrameChecksum } from './fixtures/framemd5'

const MODEL = 'tokenscope-dct16'
const SAMPLE = { width: 64, height: 48, resize: 'squash' as const }
const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex')

/** The file and ffmpeg's reference decode at the sampling size, made once per class. */
const prepared = new Map<string, Promise<{ file: CorpusFile; reference: FrameChecksum[] } | { skip: string }>>()
function prepare(id: string) {
  let p = prepared.get(id)
  if (!p) {
    const c = corpusClasses.find((k) => k.id === id)!
    p = makeCorpusFile(c).then(async (made) => ('skip' in made ? made : { file: made.file, reference: await frameChecksums(made.file.path, [`scale=${SAMPLE.width}:${SAMPLE.height}`]) }))
    prepared.set(id, p)
  }
  return p
}

/** For each target (s from the first frame), the first frame at or after it; a frame serves one target. */
function firstAtOrAfter(pts: number[], targets: number[]): number[] {
  const out: number[] = []
  for (const t of targets) {
    const p = pts.find((x) => x >= pts[0] + t - 1e-4)
    if (p !== undefined && out[out.length - 1] !== p) out.push(p)
  }
  return out
}

async function sampled(path: string, sampling: Sampling, resumeAfterPts?: number) {
  const frames: { pts: number; md5: string }[] = []
  for await (const f of decodeFrames(path, { ...SAMPLE, sampling, resumeAfterPts })) frames.push({ pts: f.pts, md5: md5(f.data) })
  return frames
}

/** What count sampling must pick: the first frame at or after each (i+0.5)·D/K. */
const countTargets = (pts: number[], duration: number, K: number) => firstAtOrAfter(pts, Array.from({ length: K }, (_, i) => ((i + 0.5) * duration) / K))

const close = (a: number, b: number) => Math.abs(a - b) < 2e-6

describe.each(corpusClasses.map((c) => c.id))('corpus: %s', (id) => {
  it('probes honestly: frames, start, span, rate and warnings as the stream shows them', async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file, reference } = made
    const info = await probeVideo(file.path)
    const e = file.expect
    expect(info).toMatchObject({ codec: e.codec, width: e.width, height: e.height, rotation: e.rotation, hasAudio: e.hasAudio })
    expect(info.variableFrameRate).toBe(e.variableFrameRate)
    expect(info.frameCount).toBe(reference.length)
    expect(info.frameCountExact).toBe(true)
    expect(info.startTime).toBeCloseTo(reference[0].pts, 5)
    expect(Array.from(await listFramePts(file.path))).toEqual(reference.map((r) => expect.closeTo(r.pts, 5)))
    // The duration is the frames' span (first to last plus one frame), give or take a frame and a half.
    const pts = reference.map((r) => r.pts)
    const gaps = pts.slice(1).map((p, i) => p - pts[i])
    const frame = e.fps ? 1 / e.fps : Math.max(...gaps)
    const span = pts[pts.length - 1] - pts[0] + (e.fps ? frame : 0)
    expect(info.duration).toBeGreaterThanOrEqual(span - 1.5 * frame)
    expect(info.duration).toBeLessThanOrEqual(span + 1.5 * frame)
    if (e.fps) {
      expect(info.fps).toBeCloseTo(e.fps, 2)
      expect(info.nominalFps).toBeCloseTo(e.fps, 2)
    }
    expect(info.warnings.some((w) => /duration/.test(w))).toBe(e.durationWarning)
    if (!e.durationWarning) expect(info.warnings).toEqual([])
  })

  it("samples the frames ffmpeg's framemd5 has at those times, pixel for pixel (fps and count sampling)", async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file, reference } = made
    const info = await probeVideo(file.path)
    const byPts = (p: number) => reference.find((r) => close(r.pts, p))
    const pts = reference.map((r) => r.pts)
    const check = (frames: { pts: number; md5: string }[], expected: number[]) => {
      expect(frames.map((f) => f.pts)).toEqual(expected.map((p) => expect.closeTo(p, 5)))
      for (const f of frames) expect(f.md5, `frame at ${f.pts}`).toBe(byPts(f.pts)?.md5)
    }
    check(await sampled(file.path, { mode: 'fps', fps: 3 }), firstAtOrAfter(pts, Array.from({ length: 40 }, (_, k) => k / 3)))
    const K = 10
    const counted = await sampled(file.path, { mode: 'count', frames: K })
    expect(counted).toHaveLength(K)
    check(counted, countTargets(pts, info.duration, K))
    // A resumed decode (what a resumed analysis runs) gives the rest of the same frames, pixel for pixel.
    expect(await sampled(file.path, { mode: 'count', frames: K }, counted[3].pts)).toEqual(counted.slice(4))
  })

  it('shows the first, a middle and the last frame exactly (frame view)', async (ctx) => {
    const made = await prepare(id)
    if ('skip' in made) return ctx.skip(made.skip)
    const { file } = made
    const display = await frameChecksums(file.path)
    const size = displaySize(await probeVideo(file.path))
    for (const i of [0, Math.floor(display.length / 2), display.length - 1]) {
      const frame = await decodeFrameAt(file.path, display[i].pts)
      expect(frame.pts).toBeCloseTo(display[i].pts, 5)
      expect([frame.width, frame.height]).toEqual([size.width, size.height])
      expect(md5(frame.data), `frame ${i} at ${display[i].pts}`).toBe(display[i].md5)
    }
  })

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
