/**
 * Hostile input to the built CLI: generated broken videos and broken model folders. Each must end
 * in at most one line saying what is wrong (exit 1), or a normal result, within the time limit:
 * never a stack trace, an internal error, a crash or a hang. (Missing, text, empty, audio-only,
 * unsupported-codec and truncated files, a half model file and a manifest naming a wrong output
 * are in cli.test.ts.)
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRng } from '../common/tensor/rng'
import { cached, lavfiInput, makeClip } from './fixtures/videos'

const root = resolve(__dirname, '..')
const bin = join(root, 'bin', 'tokenscope.js')
const dir = mkdtempSync(join(tmpdir(), 'ts-hostile-'))
/** Every run must end within this (a hang is a failure, not a wait). */
const LIMIT_MS = 90_000

function analyze(file: string, extra: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, 'analyze', file, '--fps', '1', '--cache', join(dir, 'cache'), ...extra], { encoding: 'utf8', timeout: LIMIT_MS, env: { ...process.env, ...env } })
  expect(r.signal, `${file} did not end in ${LIMIT_MS / 1000} s, or crashed`).toBeNull()
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/)
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Refused in one line matching `pattern`. */
function expectRefused(r: ReturnType<typeof analyze>, pattern: RegExp) {
  expect(r.code).toBe(1)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(pattern)
}

const random = (n: number, seed: number) => {
  const rand = createRng(seed)
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256))
}
const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

let clip: string
beforeAll(async () => {
  clip = await makeClip({ seconds: 4, fps: 25, width: 160, height: 96, kind: 'testsrc' })
})

describe('hostile videos', () => {
  it('a real video under the wrong extension is read by its content', () => {
    const wrong = join(dir, 'clip.avi')
    copyFileSync(clip, wrong)
    expect(analyze(wrong).code).toBe(0)
  })

  it('garbage after a valid MP4 header: refused as unreadable', () => {
    const head = readFileSync(clip).subarray(0, 3000)
    expectRefused(analyze(file('garbage.mp4', Buffer.concat([head, random(2_000_000, 1)]))), /is not a video file ffmpeg can read|damaged/)
  })

  it('an mdat box declaring 2^62 bytes: refused, nothing allocated for it', () => {
    const mp4 = readFileSync(clip)
    const ftyp = mp4.subarray(0, mp4.readUInt32BE(0))
    const box = Buffer.alloc(16)
    box.writeUInt32BE(1, 0) // size 1: a 64-bit size follows
    box.write('mdat', 4)
    box.writeBigUInt64BE(1n << 62n, 8)
    expectRefused(analyze(file('huge-declared.mp4', Buffer.concat([ftyp, box, mp4.subarray(ftyp.length, ftyp.length + 100_000)]))), /not a video file ffmpeg can read|damaged/)
  })

  it('absurd dimensions (60000×60000, and 16000×16000 with a cut frame): refused', () => {
    const y4m = (w: number, h: number) => Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F25:1 Ip A1:1 C420jpeg\nFRAME\n`), random(100_000, 2)])
    expectRefused(analyze(file('huge.y4m', y4m(60000, 60000))), /not a video file ffmpeg can read|damaged/)
    expectRefused(analyze(file('large.y4m', y4m(16000, 16000))), /not a video file ffmpeg can read|damaged/)
  })

  it('a 2×2 video is analysed (scaled up to the model input)', async () => {
    const tiny = await cached('tiny-2x2', {}, 'mkv', (out) => [...lavfiInput('testsrc2=s=2x2:r=5:d=2'), '-c:v', 'ffv1', out])
    const r = analyze(tiny)
    expect(r.code, r.stderr).toBe(0)
  })

  it('a file with 1000 video streams (the most ffmpeg will write: its muxers stop at max_streams = 1000) is analysed from its first', async () => {
    const one = await cached('one-stream', {}, 'mkv', (out) => [...lavfiInput('testsrc=s=64x64:r=5:d=1'), '-c:v', 'mpeg4', out])
    const many = await cached('streams-1000', {}, 'mkv', (out) => ['-i', one, ...Array.from({ length: 1000 }, () => ['-map', '0:v']).flat(), '-c', 'copy', out])
    const r = analyze(many)
    expect(r.code, r.stderr).toBe(0)
  })
})

describe('hostile model folders', () => {
  const builtin = join(root, 'native-models', 'tokenscope-dct16')
  const manifest = JSON.parse(readFileSync(join(builtin, 'manifest.json'), 'utf8'))
  const models = join(dir, 'models')

  /** A model folder `id` with the built-in model's file and `edit` applied to its manifest. */
  function model(id: string, edit: (m: typeof manifest) => object, withFile = true) {
    mkdirSync(join(models, id), { recursive: true })
    writeFileSync(join(models, id, 'manifest.json'), JSON.stringify({ ...edit(manifest), id }))
    if (withFile) copyFileSync(join(builtin, manifest.files.vision), join(models, id, manifest.files.vision))
  }
  const run = (id: string) => analyze(clip, ['--model', id], { TOKENSCOPE_MODELS_DIR: models })

  it('a manifest without outputs, one with the wrong grid or dims, and one naming a missing file: one line each', () => {
    model('no-outputs', (m) => ({ ...m, outputs: undefined }))
    model('wrong-grid', (m) => ({ ...m, grid: { h: 7, w: 7 } }))
    model('wrong-dim', (m) => ({ ...m, dim: 8 }))
    model('no-file', (m) => m, false)
    expectRefused(run('no-outputs'), /no-outputs/)
    expectRefused(run('wrong-grid'), /wrong-grid/)
    expectRefused(run('wrong-dim'), /wrong-dim/)
    expectRefused(run('no-file'), /model file not found/)
  })

  it('a manifest whose file escapes the model folder (../, absolute, a symlink): refused', () => {
    const outside = join(dir, 'outside.onnx')
    copyFileSync(join(builtin, manifest.files.vision), outside)
    model('dotdot', (m) => ({ ...m, files: { ...m.files, vision: '../../outside.onnx' } }), false)
    model('absolute', (m) => ({ ...m, files: { ...m.files, vision: outside } }), false)
    model('symlink', (m) => m, false)
    symlinkSync(outside, join(models, 'symlink', manifest.files.vision))
    for (const id of ['dotdot', 'absolute', 'symlink']) expectRefused(run(id), /is outside the model folder/)
  })
})
