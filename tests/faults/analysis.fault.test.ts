/**
 * Faults during an analysis (the built CLI on a generated clip, every frame: 300 frames in a second
 * or two): ffmpeg killed, the encoder worker or a method worker dying, the CLI killed at
 * random moments and in the middle of a cache write, the disk filling up, a cache chunk damaged.
 * After each: the user is told in one line, the whole chunks written before are byte-for-byte as
 * they were, and the next run resumes from them and completes.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRng } from '../../common/tensor/rng'
import { makeClip } from '../fixtures/videos'
import { childrenOf, crashWorker, expectSaid, findFile, flipByte, runCli, startCli, waitFor, wholeChunks, withPreload, writeFault } from './support/faults'

const FRAMES = 300
let clip: string
const tmp = () => mkdtempSync(join(tmpdir(), 'ts-fault-analysis-'))
const analyze = (cache: string, env: Record<string, string> = {}, opts: { fileSizeLimitKiB?: number } = {}) =>
  runCli(['analyze', clip, '--every-frame', '--cache', cache, '--json'], env, opts)

beforeAll(async () => {
  clip = await makeClip({ seconds: 12, fps: 25, width: 320, height: 180, kind: 'motion' })
})

/** The cache's whole chunks now; then the next run must resume after them, keep them and complete. */
async function expectResumes(cache: string, minFrom = 1): Promise<void> {
  const tokens = findFile(cache, 'tokens.bin')!
  const before = wholeChunks(tokens)
  const header = JSON.parse(readFileSync(join(tokens, '..', 'header.json'), 'utf8'))
  expect(header.complete).toBe(false)
  const r = await analyze(cache)
  expect(r.code, r.stderr).toBe(0)
  const summary = JSON.parse(r.stdout)
  expect(summary).toMatchObject({ frames: FRAMES, complete: true, resumed: true })
  expect(summary.resumedFrom).toBeGreaterThanOrEqual(minFrom)
  expect(readFileSync(tokens).subarray(0, before.length).equals(before)).toBe(true)
}

/** Starts an analysis and waits until `bytes` of tokens have reached the disk. */
async function analysisUnderway(cache: string, bytes: number, env: Record<string, string> = {}) {
  const started = startCli(['analyze', clip, '--every-frame', '--cache', cache], env)
  await waitFor(() => {
    const tokens = findFile(cache, 'tokens.bin')
    return tokens !== undefined && readFileSync(tokens).length > bytes
  }, 120_000, 'the first chunks')
  return started
}

describe('faults during an analysis', () => {
  it('ffmpeg killed mid-stream: said, and the next run resumes', async () => {
    const cache = tmp()
    const { child, done } = await analysisUnderway(cache, 2_000_000)
    const ffmpeg = childrenOf(child.pid!, /ffmpeg/)
    expect(ffmpeg.length).toBeGreaterThan(0)
    process.kill(ffmpeg[0], 'SIGKILL')
    expectSaid(await done, /ffmpeg stopped unexpectedly \(SIGKILL\) at [\d.]+ s of ".*", after \d+ frames; what was analysed before is kept: run again to resume\.$/)
    await expectResumes(cache)
  })

  it('the encoder worker dies: said, and the next run resumes', async () => {
    const cache = tmp()
    expectSaid(await analyze(cache, withPreload(crashWorker, { TOKENSCOPE_TEST_CRASH_WORKER: 'encode', TOKENSCOPE_TEST_CRASH_ON: '6' })), /the encoder stopped unexpectedly \(exit code 70\); what was analysed before is kept: run again to resume\.$/)
    await expectResumes(cache)
  })

  it('the CLI killed (SIGKILL) at four random moments: each run resumes where the last stopped, nothing written is changed', async () => {
    const cache = tmp()
    const rand = createRng(14)
    let kills = 0
    for (let k = 0; k < 4; k++) {
      const tokens = findFile(cache, 'tokens.bin')
      const from = tokens ? readFileSync(tokens).length : 0
      const { child, done } = startCli(['analyze', clip, '--every-frame', '--cache', cache])
      // Some progress first (a chunk past where the last run stopped), then a kill at any moment of the next ~0.4 s.
      await waitFor(() => {
        const now = findFile(cache, 'tokens.bin')
        return child.exitCode !== null || (now !== undefined && readFileSync(now).length > from)
      }, 120_000, 'a new chunk')
      await new Promise((r) => setTimeout(r, rand() * 400))
      const before = wholeChunks(findFile(cache, 'tokens.bin')!)
      child.kill('SIGKILL')
      const r = await done
      if (r.signal !== 'SIGKILL') break // it finished first
      kills++
      expect(readFileSync(findFile(cache, 'tokens.bin')!).subarray(0, before.length).equals(before)).toBe(true)
    }
    expect(kills).toBeGreaterThan(0)
    // The last kill may have come after the cache was marked complete.
    const header = JSON.parse(readFileSync(join(findFile(cache, 'tokens.bin')!, '..', 'header.json'), 'utf8'))
    if (header.complete) expect(JSON.parse((await analyze(cache)).stdout)).toMatchObject({ frames: FRAMES, fromCache: true })
    else await expectResumes(cache)
  })

  it('killed in the middle of writing a token chunk: the torn chunk is cut, the next run resumes', async () => {
    const cache = tmp()
    const r = await analyze(cache, withPreload(writeFault, { TOKENSCOPE_TEST_WRITE_FAULT: 'kill', TOKENSCOPE_TEST_WRITE_PATH: 'tokens\\.bin$', TOKENSCOPE_TEST_WRITE_NTH: '12' }))
    expect(r.signal).toBe('SIGKILL')
    await expectResumes(cache)
  })

  it('killed while marking the cache complete: the next run finds every frame and completes', async () => {
    const cache = tmp()
    const r = await analyze(cache, withPreload(writeFault, { TOKENSCOPE_TEST_WRITE_FAULT: 'kill', TOKENSCOPE_TEST_WRITE_PATH: 'header\\.json\\.tmp$', TOKENSCOPE_TEST_WRITE_NTH: '2' }))
    expect(r.signal).toBe('SIGKILL')
    await expectResumes(cache, FRAMES)
  })

  it('the disk fills up in the middle of a token chunk: said, and the next run resumes', async () => {
    const cache = tmp()
    expectSaid(
      await analyze(cache, withPreload(writeFault, { TOKENSCOPE_TEST_WRITE_FAULT: 'enospc', TOKENSCOPE_TEST_WRITE_PATH: 'tokens\\.bin$', TOKENSCOPE_TEST_WRITE_NTH: '10' })),
      /Could not save: the disk is full writing .*tokens\.bin \(ENOSPC\)\. What was saved before is kept; free some space and try again\.$/,
    )
    await expectResumes(cache)
  })

  it('the disk fills up while marking the cache complete: said, and the next run completes', async () => {
    const cache = tmp()
    expectSaid(
      await analyze(cache, withPreload(writeFault, { TOKENSCOPE_TEST_WRITE_FAULT: 'enospc', TOKENSCOPE_TEST_WRITE_PATH: 'header\\.json\\.tmp$', TOKENSCOPE_TEST_WRITE_NTH: '2' })),
      /Could not save: the disk is full writing .*header\.json\.tmp \(ENOSPC\)/,
    )
    await expectResumes(cache, FRAMES)
  })

  it('a file size limit from the kernel (ulimit -f, EFBIG) stops it: said, and the next run resumes', async () => {
    const cache = tmp()
    expectSaid(await analyze(cache, {}, { fileSizeLimitKiB: 4000 }), /Could not save: the file size limit was reached \(EFBIG\)\. What was saved before is kept/)
    await expectResumes(cache)
  })

  it('a damaged cache chunk: a method says where, the next analysis redoes it from there, the method then runs', async () => {
    const cache = tmp()
    expect((await analyze(cache)).code).toBe(0)
    const tokens = findFile(cache, 'tokens.bin')!
    const chunk = wholeChunks(tokens)
    const third = 2 * (32 + chunk.readUInt32LE(12))
    flipByte(tokens, third + 32 + 5000)
    const compress = ['compress', clip, '--every-frame', '--cache', cache, '--method', 'tome', '--json']
    expectSaid(await runCli(compress), /the token cache was damaged on disk at frame 32 \(byte \d+ of .*tokens\.bin\); the frames before it are kept: run the analysis again to redo the rest$/)
    const kept = readFileSync(tokens).subarray(0, third)
    const r = JSON.parse((await analyze(cache)).stdout)
    expect(r).toMatchObject({ resumed: true, resumedFrom: 32, frames: FRAMES, complete: true })
    expect(readFileSync(tokens).subarray(0, third).equals(kept)).toBe(true)
    expect((await runCli(compress)).code).toBe(0)
  })

  it('a method worker dies: said, the analysed tokens are unchanged, the method runs next time', async () => {
    const cache = tmp()
    expect((await analyze(cache)).code).toBe(0)
    const tokens = readFileSync(findFile(cache, 'tokens.bin')!)
    const compress = ['compress', clip, '--every-frame', '--cache', cache, '--method', 'tome', '--json']
    expectSaid(await runCli(compress, withPreload(crashWorker, { TOKENSCOPE_TEST_CRASH_WORKER: 'methods' })), /the methods worker stopped unexpectedly \(exit code 70\); the analysed tokens are kept and nothing of this run was saved: run it again\.$/)
    expect(readFileSync(findFile(cache, 'tokens.bin')!).equals(tokens)).toBe(true)
    const r = await runCli(compress)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).method).toBe('tome')
  })
})
