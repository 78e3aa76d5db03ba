/**
 * The `tokenscope` command as a user runs it: the built CLI (`npm run build` first; `npm test`
 * builds before it runs these) in a child process, on real generated video.
 */
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cli, expectOneLineError, json } from './support/cli'
import { createServer } from 'node:net'
import { makeAudioOnly, makeClip, makeEmpty, makeTextFile, makeTruncated, makeUnsupportedCodec } from './fixtures/videos'
import { corpusClasses, makeCorpusFile } from './fixtures/corpus'

const root = resolve(__dirname, '..')
const bin = join(root, 'bin', 'tokenscope.js')
const tmp = () => mkdtempSync(join(tmpdir(), 'ts-cli-'))

beforeAll(() => {
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) throw new Error("the CLI is not built: run 'npm run build' first")
})

describe('tokenscope probe', () => {
  it('reports the video fields', async () => {
    const clip = await makeClip({ seconds: 4, fps: 25, width: 320, height: 180, kind: 'testsrc' })
    const info = json(cli(['probe', clip, '--json']))
    expect(info).toMatchObject({ width: 320, height: 180, frameCount: 100, codec: 'h264', rotation: 0, hasAudio: false, variableFrameRate: false })
    expect(info.duration).toBeCloseTo(4, 1)
    expect(info.fps).toBeCloseTo(25, 3)
    expect(info.ffprobe.version).toMatch(/ffprobe version/)
    expect(info.ffmpeg.version).toMatch(/ffmpeg version/)
    expect(info.ffmpeg.reason).toBeTruthy()
    expect(info.startTime).toBe(0)
    expect(info.warnings).toEqual([])
  })

  it('says where the stream starts and which ffmpeg it used', async () => {
    const made = await makeCorpusFile(corpusClasses.find((c) => c.id === 'mpeg1-ps')!)
    if (!('file' in made)) throw new Error(made.skip)
    const r = cli(['probe', made.file.path])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/starts at\s+1\.5\d* s/)
    expect(r.stdout).toMatch(/ffmpeg\s+\S+ \((setting|ffmpeg-static|installer-package|path); ffmpeg version .*\) — \S/)
  })
})

describe('tokenscope analyze', () => {
  it('prints a summary, then answers from the cache', async () => {
    const clip = await makeClip({ seconds: 10, fps: 25, width: 640, height: 360, kind: 'cuts' })
    const cache = tmp()
    const first = json(cli(['analyze', clip, '--fps', '1', '--cache', cache, '--json']))
    expect(first).toMatchObject({ frames: 10, fromCache: false, complete: true, provider: 'cpu', modelId: 'tokenscope-dct16', grid: { h: 14, w: 14 }, dim: 192 })
    expect(first.decodeFps).toBeGreaterThan(0)
    expect(first.encodeFps).toBeGreaterThan(0)
    const second = json(cli(['analyze', clip, '--fps', '1', '--cache', cache, '--json']))
    expect(second).toMatchObject({ frames: 10, fromCache: true, cachePath: first.cachePath })
  })

  it('takes --frames K from a raw stream whose container duration lies, and says so', async () => {
    const made = await makeCorpusFile(corpusClasses.find((c) => c.id === 'raw-mpeg1')!)
    if (!('file' in made)) throw new Error(made.skip)
    const out = json(cli(['analyze', made.file.path, '--frames', '10', '--cache', tmp(), '--json']))
    expect(out).toMatchObject({ frames: 10, complete: true })
    expect(out.duration).toBeCloseTo(4, 1)
    expect(out.videoWarnings.join(' ')).toMatch(/duration/)
  })

  it('exits 130 on Ctrl-C with one line saying how to go on', async () => {
    const clip = await makeClip({ seconds: 40, fps: 25, width: 320, height: 180, kind: 'motion' })
    const cache = tmp()
    const child = spawn(process.execPath, [bin, 'analyze', clip, '--every-frame', '--cache', cache], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    const started = Date.now()
    while (Date.now() - started < 120_000 && !findFile(cache, 'tokens.bin')) await new Promise((r) => setTimeout(r, 10))
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stderr.trim().split('\n').pop()).toMatch(/^tokenscope analyze: analysis interrupted; run the same command again to resume$/)
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('resumes after being killed half-way', async () => {
    const clip = await makeClip({ seconds: 40, fps: 25, width: 320, height: 180, kind: 'motion' })
    const cache = tmp()
    const child = spawn(process.execPath, [bin, 'analyze', clip, '--every-frame', '--cache', cache, '--json'], { stdio: 'ignore' })
    const exited = new Promise((r) => child.on('exit', r))
    // Kill it (no chance to clean up) once some chunks have reached the disk.
    const started = Date.now()
    let data: string | undefined
    while (Date.now() - started < 120_000) {
      data ??= findFile(cache, 'tokens.bin')
      if (data && statSync(data).size > 2_000_000) break
      await new Promise((r) => setTimeout(r, 10))
    }
    child.kill('SIGKILL')
    await exited
    const header = JSON.parse(readFileSync(join(data!, '..', 'header.json'), 'utf8'))
    expect(header.complete).toBe(false)

    const resumed = json(cli(['analyze', clip, '--every-frame', '--cache', cache, '--json']))
    expect(resumed.resumed).toBe(true)
    expect(resumed.resumedFrom).toBeGreaterThan(0)
    expect(resumed.frames).toBe(1000)
    expect(resumed.complete).toBe(true)
  })
})

function findFile(dir: string, name: string): string | undefined {
  const walk = (d: string): string | undefined => {
    if (!existsSync(d)) return undefined
    for (const entry of readdirSync(d)) {
      const p = join(d, entry)
      if (entry === name) return p
      if (statSync(p).isDirectory()) {
        const found = walk(p)
        if (found) return found
      }
    }
    return undefined
  }
  return walk(dir)
}

describe('bad input: one clear line, a non-zero exit, never a stack trace or a hang', () => {
  const analyze = (path: string, env?: Record<string, string>, extra: string[] = []) => cli(['analyze', path, '--fps', '1', '--cache', tmp(), ...extra], env)

  it('missing file', () => expectOneLineError(analyze('/no/such/video.mp4'), /not found|does not exist|no such/i))
  it('not a video', async () => expectOneLineError(analyze(await makeTextFile()), /not a video|no video/i))
  it('zero bytes', async () => expectOneLineError(analyze(await makeEmpty()), /empty/i))
  it('audio only', async () => expectOneLineError(analyze(await makeAudioOnly()), /audio/i))
  it('unsupported codec', async () => expectOneLineError(analyze(await makeUnsupportedCodec()), /codec/i))

  it('a truncated file keeps what decoded', async () => {
    const r = cli(['analyze', await makeTruncated(), '--fps', '5', '--cache', tmp(), '--json'])
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout)
    expect(summary.frames).toBeGreaterThan(0)
    expect(summary.complete).toBe(false)
    expect(summary.warning).toBeTruthy()
  })

  it('a broken model file, and a manifest whose outputs do not match the model', async () => {
    const clip = await makeClip({ seconds: 2, fps: 25, width: 160, height: 90, kind: 'testsrc' })
    const models = tmp()
    const builtin = join(root, 'native-models', 'tokenscope-dct16')
    const manifest = JSON.parse(readFileSync(join(builtin, 'manifest.json'), 'utf8'))

    mkdirSync(join(models, 'broken'))
    writeFileSync(join(models, 'broken', 'manifest.json'), JSON.stringify({ ...manifest, id: 'broken' }))
    const bytes = readFileSync(join(builtin, manifest.files.vision))
    writeFileSync(join(models, 'broken', manifest.files.vision), bytes.subarray(0, bytes.length >> 1))

    mkdirSync(join(models, 'mismatch'))
    const outputs = { ...manifest.outputs, patchTokens: { name: 'last_hidden_state' } }
    writeFileSync(join(models, 'mismatch', 'manifest.json'), JSON.stringify({ ...manifest, id: 'mismatch', outputs }))
    copyFileSync(join(builtin, manifest.files.vision), join(models, 'mismatch', manifest.files.vision))

    const env = { TOKENSCOPE_MODELS_DIR: models }
    expectOneLineError(analyze(clip, env, ['--model', 'broken']), /broken/)
    expectOneLineError(analyze(clip, env, ['--model', 'mismatch']), /last_hidden_state/)
    expectOneLineError(analyze(clip, env, ['--model', 'nonexistent']), /nonexistent/)
  })

  it('a usage mistake', () => {
    const r = cli(['analyze'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/which video/)
  })
})

describe('tokenscope serve', () => {
  it('on a port in use: one line of its own, exit 1', async () => {
    const busy = createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const port = (busy.address() as { port: number }).port
    try {
      expectOneLineError(cli(['serve', '--port', String(port)]), new RegExp(`port ${port} is in use`))
    } finally {
      busy.close()
    }
  })
})

describe('models, methods, compress, compare', () => {
  it('lists the built-in model and the provider that would run', () => {
    const out = json(cli(['models', '--json']))
    const builtin = out.models.find((m: { id: string }) => m.id === 'tokenscope-dct16')
    expect(builtin).toMatchObject({ grid: { h: 14, w: 14 }, dim: 192, classToken: true, importance: 'saliency-proxy' })
    expect(builtin.description).toMatch(/not a learned model/i)
    expect(out.providerWouldRun).toBe('cpu')
  })

  it('lists at least 32 methods with their papers and parameters', () => {
    const { methods } = json(cli(['methods', '--json']))
    expect(methods.length).toBeGreaterThanOrEqual(32)
    const ids = methods.map((m: { id: string }) => m.id)
    for (const id of ['vispruner', 'prumerge-plus', 'vidcom2', 'evs', 'llava-scissor', 'sttm', 'flashvid', 'zipvl-topp', 'keye-slowfast', 'vq-codebook', 'feather']) {
      expect(ids).toContain(id)
    }
    for (const m of methods) {
      expect(m.paper.title).toBeTruthy()
      expect(['exact', 'grid', 'adaptive']).toContain(m.budgetMode)
    }
  })

  it('compares methods at one budget, one row each, and writes a token map with .npy arrays', async () => {
    const clip = await makeClip({ seconds: 12, fps: 25, width: 320, height: 180, kind: 'cuts' })
    const cache = tmp()
    const list = ['tome', 'visionzip', 'divprune', 'dycoke-ttm', 'avg-pool']
    const out = json(cli(['compare', clip, '--methods', list.join(','), '--budget', '0.1', '--fps', '2', '--cache', cache, '--json']))
    expect(out.rows.map((r: { method: string }) => r.method)).toEqual(list)
    const budget = Math.round(0.1 * 24 * 196)
    for (const row of out.rows) {
      expect(row.error).toBeUndefined()
      expect(row.metrics.tokensIn).toBe(24 * 196)
      expect(row.report.budgetTokens).toBe(budget)
      expect(row.metrics.tokensOut).toBe(row.report.tokensOut)
    }
    const out_ = (id: string) => out.rows.find((r: { method: string }) => r.method === id).metrics.tokensOut
    // Exact-budget methods hit it; avg-pool takes the largest pooled grid within it (4×4 here:
    // stride 4 gives a 4×4 ceil-mode grid, 16 ≤ 19.6 tokens a frame); DyCoke keeps its anchor frames.
    expect([out_('tome'), out_('visionzip'), out_('divprune')]).toEqual([budget, budget, budget])
    expect(out_('avg-pool')).toBe(24 * 16)
    expect(out_('dycoke-ttm')).toBeGreaterThanOrEqual(budget)

    const dir = join(tmp(), 'result')
    const c = json(cli(['compress', clip, '--method', 'scene-segments+tome', '--tokens', '500', '--fps', '2', '--cache', cache, '--out', dir, '--json']))
    expect(c.report.tokensOut).toBe(500)
    for (const f of ['groups.npy', 'features.npy', 'pts.npy', 'result.json']) expect(existsSync(join(dir, f))).toBe(true)
    const groups = readFileSync(join(dir, 'groups.npy'))
    expect(groups.subarray(1, 6).toString('latin1')).toBe('NUMPY')
    expect(groups.toString('latin1', 10, 80)).toMatch(/'shape': \(24, 196\)/)
  })

  it('compares the 2025–26 methods with their spatial bias and token density', async () => {
    const clip = await makeClip({ seconds: 6, fps: 25, width: 320, height: 180, kind: 'cuts' })
    const cache = tmp()
    const list = ['vispruner', 'vidcom2', 'evs', 'flashvid', 'tome']
    const args = ['compare', clip, '--methods', list.join(','), '--budget', '0.1', '--fps', '2', '--cache', cache]
    const out = json(cli([...args, '--json']))
    for (const row of out.rows) {
      expect(row.error).toBeUndefined()
      expect(row.metrics.spatialMeanRow).toBeGreaterThan(0)
      expect(row.metrics.spatialMeanRow).toBeLessThan(1)
      expect(row.metrics.tokDenseProxy).toBeCloseTo((100 * row.metrics.allPatchFidelity) / row.metrics.tokensOut, 9)
    }
    // Methods ranking by importance say what they ran on: the built-in model's saliency proxy.
    expect(out.rows.find((r: { method: string }) => r.method === 'vispruner').report.importanceSource).toBe('saliency-proxy')
    const text = cli(args)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/Spatial bias \(Feather\) and token density \(a TokDense proxy/)
    const table = text.stdout.slice(text.stdout.indexOf('Spatial bias'))
    expect(table).toMatch(/kept mean row/)
    expect(table).toMatch(/TokDense proxy/)
    for (const id of list) expect(table).toMatch(new RegExp(`^${id}\\s+0\\.1\\s+[ ▁▂▃▄▅▆▇█]{14}\\s`, 'm'))
  })

  it("the compare table labels each metric with the way it is better and keeps each method's notes", async () => {
    const clip = await makeClip({ seconds: 12, fps: 25, width: 320, height: 180, kind: 'cuts' })
    const r = cli(['compare', clip, '--methods', 'dycoke-ttm,avg-pool', '--budget', '0.01', '--fps', '2', '--cache', tmp()])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/coverage distance ↓/)
    expect(r.stdout).toMatch(/token fidelity ↑/)
    expect(r.stdout).toMatch(/↑ higher is better, ↓ lower is better/)
    expect(r.stdout).toMatch(/notes:\n\s+dycoke-ttm \(budget 0\.01\): budget \d+ is below the \d+ anchor tokens/)
  })

  it('refuses a parameter the method does not have, naming it', async () => {
    const clip = await makeClip({ seconds: 2, fps: 25, width: 160, height: 90, kind: 'testsrc' })
    expectOneLineError(cli(['compress', clip, '--method', 'tome', '--param', 'nonsense=1', '--cache', tmp()]), /nonsense/)
  })
})
