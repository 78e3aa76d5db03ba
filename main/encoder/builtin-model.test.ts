import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRng } from '../../common/tensor/rng'
import { BUILTIN_ID, BUILTIN_MANIFEST, builtinModel, foldNormalisation } from './builtin-model'
import { dctMatrix } from '../../common/tensor/dct'
import { bundledModelsDir, getModel } from './registry'
import { createEncoder } from './session'
import { modelInputFromRgb } from './preprocess'
import { expectNormalised } from '../../tests/support/expect-normalised'

const S = 224
const P = 16

/** Reference: the orthonormal 2-D DCT-II coefficient (u, v) of a 16×16 block, straight from the formula. */
function dct2(block: (y: number, x: number) => number, u: number, v: number): number {
  const a = (k: number) => Math.sqrt((k === 0 ? 1 : 2) / P)
  let s = 0
  for (let y = 0; y < P; y++)
    for (let x = 0; x < P; x++) s += block(y, x) * Math.cos((Math.PI * (2 * y + 1) * u) / (2 * P)) * Math.cos((Math.PI * (2 * x + 1) * v) / (2 * P))
  return a(u) * a(v) * s
}

/** A smooth gradient with noise and a bright square, so patches differ. rgb24 [S, S, 3]. */
function testImage(seed: number): Uint8Array {
  const rand = createRng(seed)
  const rgb = new Uint8Array(S * S * 3)
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++)
      for (let c = 0; c < 3; c++) {
        const square = x > 60 && x < 120 && y > 30 && y < 90 ? 120 : 0
        rgb[(y * S + x) * 3 + c] = Math.min(255, Math.floor((x + y * (c + 1)) / 4 + 40 * rand() + square))
      }
  return rgb
}

describe('built-in encoder tokenscope-dct16', () => {
  it('the committed model.onnx and manifest.json are what builtin-model.ts generates', () => {
    const dir = join(bundledModelsDir(), BUILTIN_ID)
    expect(Buffer.compare(readFileSync(join(dir, 'model.onnx')), Buffer.from(builtinModel()))).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(BUILTIN_MANIFEST)))
    expect(readFileSync(join(dir, 'model.onnx')).length).toBeLessThan(5e6)
  })

  it('the DCT-II matrix is orthonormal', () => {
    const b = dctMatrix(P)
    for (let i = 0; i < P; i++)
      for (let j = 0; j < P; j++) {
        let s = 0
        for (let k = 0; k < P; k++) s += b[i * P + k] * b[j * P + k]
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10)
      }
  })

  it('foldNormalisation: the folded conv on raw bytes equals the conv on normalised input (grouped, with bias)', () => {
    // dims [K=6, C/group=2, 3, 3], group 2, C = 4 channels
    const rand = createRng(9)
    const [K, PG, KH, KW, G] = [6, 2, 3, 3, 2]
    const mean = [0.48, 0.1, 0.9, 0.5]
    const std = [0.27, 0.5, 1.3, 0.06]
    const w = Float64Array.from({ length: K * PG * KH * KW }, () => 2 * rand() - 1)
    const bias = Float64Array.from({ length: K }, () => rand() - 0.5)
    const folded = foldNormalisation(w, [K, PG, KH, KW], G, mean, std, bias)
    for (let trial = 0; trial < 20; trial++) {
      const x = Uint8Array.from({ length: 4 * KH * KW }, () => Math.floor(256 * rand())) // [C, KH, KW]
      for (let k = 0; k < K; k++) {
        let direct = bias[k]
        let raw = folded.bias[k]
        for (let j = 0; j < PG; j++) {
          const c = Math.floor(k / (K / G)) * PG + j
          for (let i = 0; i < KH * KW; i++) {
            direct += w[(k * PG + j) * KH * KW + i] * ((x[c * KH * KW + i] / 255 - mean[c]) / std[c])
            raw += folded.weights[(k * PG + j) * KH * KW + i] * x[c * KH * KW + i]
          }
        }
        expect(Math.abs(raw - direct)).toBeLessThan(1e-5 * (1 + Math.abs(direct)))
      }
    }
    expect(() => foldNormalisation(w, [K, PG, KH, KW], 3, mean, std)).toThrow(/disagree/)
  })

  it('takes rgb24 bytes: its input is uint8 [B, 224, 224, 3]; float pixels are refused with a TypeError', async () => {
    const entry = await getModel(BUILTIN_ID, [bundledModelsDir()])
    expect(entry.input.layout).toBe('NHWC-uint8')
    const enc = await createEncoder(entry, { provider: 'cpu' })
    try {
      expect(enc.inputLayout).toBe('NHWC-uint8')
      await expect(enc.encode(new Float32Array(3 * S * S), 1)).rejects.toThrow(TypeError)
    } finally {
      await enc.release()
    }
  })

  it('tokens are the DCT of each normalised patch; global is their mean; importance is the contrast softmax, summing to 1', async () => {
    const entry = await getModel(BUILTIN_ID, [bundledModelsDir()])
    const enc = await createEncoder(entry, { provider: 'cpu' })
    try {
      const frames = [testImage(1), testImage(2)]
      const rgb = new Uint8Array(2 * S * S * 3)
      frames.forEach((f, i) => rgb.set(f, i * S * S * 3))
      const { tokens, cls, importance } = await enc.encodeInput(modelInputFromRgb(entry, rgb, 2), 2)
      const N = 196
      const D = 192
      expect(tokens.length).toBe(2 * N * D)
      let worst = 0
      for (let f = 0; f < 2; f++) {
        const px = (c: number, y: number, x: number) => (frames[f][(y * S + x) * 3 + c] / 255 - 0.5) / 0.5
        const ref = new Float64Array(N * D)
        for (let p = 0; p < N; p++) {
          const py = Math.floor(p / 14) * P
          const pxx = (p % 14) * P
          for (let c = 0; c < 3; c++)
            for (let u = 0; u < 8; u++)
              for (let v = 0; v < 8; v++) ref[p * D + c * 64 + u * 8 + v] = dct2((y, x) => px(c, py + y, pxx + x), u, v)
        }
        for (let i = 0; i < N * D; i++) worst = Math.max(worst, Math.abs(tokens[f * N * D + i] - ref[i]))
        // global token = mean of patch tokens
        const mean = new Float64Array(D)
        for (let p = 0; p < N; p++) for (let k = 0; k < D; k++) mean[k] += ref[p * D + k] / N
        for (let k = 0; k < D; k++) expect(cls![f * D + k]).toBeCloseTo(mean[k], 3)
        // importance = softmax(dist / (mean dist + eps) / 0.5)
        const dist = Array.from({ length: N }, (_, p) => Math.hypot(...Array.from({ length: D }, (_, k) => ref[p * D + k] - mean[k])))
        const md = dist.reduce((a, b) => a + b) / N + 1e-6
        const e = dist.map((d) => Math.exp(d / md / 0.5))
        expectNormalised(importance!.subarray(f * N, (f + 1) * N), e, 5)
      }
      expect(worst).toBeLessThan(1e-4)
    } finally {
      await enc.release()
    }
  })

  it('a flat frame has uniform importance', async () => {
    const enc = await createEncoder(await getModel(BUILTIN_ID, [bundledModelsDir()]), { provider: 'cpu' })
    try {
      const { importance } = await enc.encodeInput(new Uint8Array(S * S * 3).fill(77), 1)
      for (const v of importance!) expect(v).toBeCloseTo(1 / 196, 6)
    } finally {
      await enc.release()
    }
  })
})
