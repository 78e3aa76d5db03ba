import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as ort from 'onnxruntime-node'
import { createRng } from '../../common/tensor/rng'
import { ModelError, type ModelEntry } from './manifest'
import { getModel } from './registry'
import { classAttention, createEncoder, cudaInstalled, encoderSessionOptions, modelInputTensor, providerOrder, webgpuAvailable } from './session'
import { framesToPixelValues, modelInputFromRgb } from './preprocess'
import { tinyClipManifest, tinyUint8Manifest, TINY, writeFixtureModels } from '../../tests/fixtures/models'
import { makeTinyVit } from '../../tests/fixtures/onnx-graphs'
import { expectNormalised } from '../../tests/support/expect-normalised'

const base = tinyClipManifest()
const root = writeFixtureModels([
  base,
  { ...tinyClipManifest('fixture-pooler'), outputs: { patchTokens: { name: 'last_hidden_state', dropLeading: 1 }, classToken: { name: 'pooler_output' } } },
  { ...tinyClipManifest('fixture-missing-output'), outputs: { ...base.outputs, importance: { name: 'attn_probs', kind: 'cls-attention' } } },
  { ...tinyClipManifest('fixture-wrong-grid'), grid: { h: 3, w: 3 } },
  { ...tinyClipManifest('fixture-no-drop'), outputs: { patchTokens: { name: 'last_hidden_state' } } },
  { ...tinyClipManifest('fixture-truncated') },
  tinyUint8Manifest(),
])
afterAll(() => rmSync(root, { recursive: true, force: true }))

const S = TINY.imageSize
const N = (S / TINY.patch) ** 2
const D = TINY.dim
const T = N + 1
const H = TINY.heads

function randomPixels(batch: number, seed: number): Float32Array {
  const rand = createRng(seed)
  return Float32Array.from({ length: batch * 3 * S * S }, () => 2 * rand() - 1)
}

async function rawOutputs(entry: ModelEntry, pixels: Float32Array, batch: number) {
  const s = await ort.InferenceSession.create(join(entry.dir, entry.files.vision))
  try {
    const out = await s.run({ pixel_values: new ort.Tensor('float32', pixels, [batch, 3, S, S]) })
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, (v as ort.Tensor).data as Float32Array]))
  } finally {
    await s.release()
  }
}

const expectCode = async (p: Promise<unknown>, code: string, message?: RegExp) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ModelError)
  expect((e as ModelError).code).toBe(code)
  if (message) expect((e as ModelError).message).toMatch(message)
  expect((e as ModelError).message).not.toContain('\n')
}

describe('createEncoder on a CLIP-shaped fixture (random weights)', () => {
  it('drops the class row, takes class row 0, and derives importance from the attentions (row 0, head mean, drop 1, renormalised)', async () => {
    const entry = await getModel('fixture-tiny-clip', [root])
    const enc = await createEncoder(entry, { provider: 'cpu' })
    try {
      expect(enc.inputSize).toEqual([S, S])
      expect(enc.batchSize).toBe(4)
      const pixels = randomPixels(3, 11)
      const { tokens, cls, importance } = await enc.encode(pixels, 3)
      const raw = await rawOutputs(entry, pixels, 3)
      const lhs = raw.last_hidden_state
      expect(tokens.length).toBe(3 * N * D)
      expect(cls!.length).toBe(3 * D)
      expect(importance!.length).toBe(3 * N)
      for (let b = 0; b < 3; b++) {
        expect(cls!.subarray(b * D, (b + 1) * D)).toEqual(lhs.subarray(b * T * D, b * T * D + D))
        expect(tokens.subarray(b * N * D, (b + 1) * N * D)).toEqual(lhs.subarray(b * T * D + D, (b + 1) * T * D))
        // reference class attention, written out independently
        const ref = Array.from({ length: N }, (_, j) => {
          let s = 0
          for (let h = 0; h < H; h++) s += raw.attentions[((b * H + h) * T + 0) * T + 1 + j]
          return s / H
        })
        expectNormalised(importance!.subarray(b * N, (b + 1) * N), ref, 6)
      }
      expect(await enc.encode(pixels, 0)).toEqual({ tokens: new Float32Array(0), cls: new Float32Array(0), importance: new Float32Array(0) })
    } finally {
      await enc.release()
    }
  })

  it('reads a [B, D] class token output (pooler_output) as is', async () => {
    const entry = await getModel('fixture-pooler', [root])
    const enc = await createEncoder(entry, { provider: 'cpu' })
    try {
      const pixels = randomPixels(2, 12)
      const { cls, importance } = await enc.encode(pixels, 2)
      expect(cls).toEqual((await rawOutputs(entry, pixels, 2)).pooler_output)
      expect(importance).toBeUndefined()
    } finally {
      await enc.release()
    }
  })

  it('provider auto tries CUDA, then WebGPU, then CPU and reports the one used (CPU on a machine without GPU)', async () => {
    const enc = await createEncoder(await getModel('fixture-tiny-clip', [root]))
    try {
      expect(['cuda', 'webgpu', 'cpu']).toContain(enc.provider)
      const order = await providerOrder()
      expect(order.at(-1)).toBe('cpu')
      expect(enc.provider).toBe(order[0])
      if (!cudaInstalled() && !(await webgpuAvailable())) expect(enc.provider).toBe('cpu')
    } finally {
      await enc.release()
    }
  })

  it('asking for a provider that is not there is a provider-unavailable error', async () => {
    if (cudaInstalled()) return
    await expectCode(createEncoder(await getModel('fixture-tiny-clip', [root]), { provider: 'cuda' }), 'provider-unavailable', /cuda/)
  })
})

describe('model errors', () => {
  it('a truncated model file is bad-model', async () => {
    const entry = await getModel('fixture-truncated', [root])
    const path = join(entry.dir, entry.files.vision)
    writeFileSync(path, readFileSync(path).subarray(0, 1000))
    await expectCode(createEncoder(entry, { provider: 'cpu' }), 'bad-model', /fixture-truncated: cannot load/)
  })

  it('a missing model file is missing-file', async () => {
    const entry = await getModel('fixture-tiny-clip', [root])
    await expectCode(createEncoder({ ...entry, files: { vision: 'nope.onnx' } }), 'missing-file', /nope\.onnx/)
  })

  it('a manifest naming an output the model lacks is manifest-mismatch, listing the real outputs', async () => {
    await expectCode(
      createEncoder(await getModel('fixture-missing-output', [root]), { provider: 'cpu' }),
      'manifest-mismatch',
      /'attn_probs' not in the model \(outputs: last_hidden_state, pooler_output, attentions\)/,
    )
  })

  it('output shapes that disagree with grid / dropLeading are manifest-mismatch', async () => {
    await expectCode(createEncoder(await getModel('fixture-wrong-grid', [root]), { provider: 'cpu' }), 'manifest-mismatch', /patchTokens 'last_hidden_state' has shape \[1, 17, 16\]/)
    await expectCode(createEncoder(await getModel('fixture-no-drop', [root]), { provider: 'cpu' }), 'manifest-mismatch', /dropLeading/)
  })

  it('an input name the model lacks is manifest-mismatch', async () => {
    const entry = await getModel('fixture-tiny-clip', [root])
    await expectCode(createEncoder({ ...entry, input: { ...entry.input, inputName: 'images' } }, { provider: 'cpu' }), 'manifest-mismatch', /'images'/)
  })
})

describe('a model exported with a fixed batch', () => {
  it('pads smaller batches and cuts the padding off; the batch hint is the fixed batch', async () => {
    const entry = await getModel('fixture-tiny-clip', [root])
    const fixedPath = join(entry.dir, 'fixed.onnx')
    writeFileSync(fixedPath, makeTinyVit({ ...TINY, batch: 4 }))
    const fixed = await createEncoder({ ...entry, files: { vision: 'fixed.onnx' } }, { provider: 'cpu', batchSize: 16 })
    const dynamic = await createEncoder(entry, { provider: 'cpu' })
    try {
      expect(fixed.batchSize).toBe(4)
      const pixels = randomPixels(3, 13)
      const a = await fixed.encode(pixels, 3)
      const b = await dynamic.encode(pixels, 3)
      expect(a.tokens.length).toBe(b.tokens.length)
      for (let i = 0; i < a.tokens.length; i++) expect(a.tokens[i]).toBeCloseTo(b.tokens[i], 5)
      for (let i = 0; i < b.importance!.length; i++) expect(a.importance![i]).toBeCloseTo(b.importance![i], 6)
      await expectCode(fixed.encode(randomPixels(5, 1), 5), 'manifest-mismatch', /at most 4 frames/)
    } finally {
      await fixed.release()
      await dynamic.release()
    }
  })
})

describe("a model taking rgb bytes (layout 'NHWC-uint8')", () => {
  const randomRgb = (count: number, seed: number) => {
    const rand = createRng(seed)
    return Uint8Array.from({ length: count * S * S * 3 }, () => Math.floor(256 * rand()))
  }

  it('feeds the bytes as they are: outputs equal a bare session.run on them, and the float model on the normalised frames', async () => {
    const entry = await getModel('fixture-tiny-uint8', [root])
    const enc = await createEncoder(entry, { provider: 'cpu' })
    const floatEnc = await createEncoder(await getModel('fixture-tiny-clip', [root]), { provider: 'cpu' }) // same weights, float input
    const bare = await ort.InferenceSession.create(join(entry.dir, entry.files.vision), encoderSessionOptions('cpu'))
    try {
      expect(enc.inputLayout).toBe('NHWC-uint8')
      const rgb = randomRgb(3, 21)
      const input = modelInputFromRgb(entry, rgb, 3)
      expect(input).toBeInstanceOf(Uint8Array)
      const got = await enc.encodeInput(input, 3)
      const raw = (await bare.run({ pixel_values: modelInputTensor(entry, input, 3) })).last_hidden_state.data as Float32Array
      for (let b = 0; b < 3; b++) expect(got.tokens.subarray(b * N * D, (b + 1) * N * D)).toEqual(raw.subarray(b * T * D + D, (b + 1) * T * D))
      const viaFloat = await floatEnc.encode(framesToPixelValues(rgb, 3, entry), 3) // entry's mean/std = what the graph applies
      for (let i = 0; i < got.tokens.length; i++) expect(got.tokens[i]).toBeCloseTo(viaFloat.tokens[i], 4)
      for (let i = 0; i < got.importance!.length; i++) expect(got.importance![i]).toBeCloseTo(viaFloat.importance![i], 5)
      // a longer buffer: only the prefix is read
      expect((await enc.encodeInput(rgb, 2)).tokens).toEqual(got.tokens.subarray(0, 2 * N * D))
      await expect(enc.encodeInput(new Float32Array(3 * S * S), 1)).rejects.toThrow(/takes uint8 rgb bytes \[B, H, W, 3\].*got a Float32Array/)
      await expect(floatEnc.encodeInput(new Uint8Array(3 * S * S), 1)).rejects.toThrow(/takes float32 pixels/)
      await expect(enc.encodeInput(new Uint8Array(10), 1)).rejects.toThrow(RangeError)
    } finally {
      await enc.release()
      await floatEnc.release()
      await bare.release()
    }
  })

  it('a layout that disagrees with the model input is manifest-mismatch', async () => {
    const floatEntry = await getModel('fixture-tiny-clip', [root])
    const uint8Entry = await getModel('fixture-tiny-uint8', [root])
    await expectCode(createEncoder({ ...floatEntry, input: { ...floatEntry.input, layout: 'NHWC-uint8' } }, { provider: 'cpu' }), 'manifest-mismatch', /is float32, manifest layout 'NHWC-uint8' needs a uint8 tensor/)
    await expectCode(createEncoder({ ...uint8Entry, input: { ...uint8Entry.input, layout: 'NCHW' } }, { provider: 'cpu' }), 'manifest-mismatch', /is uint8, manifest layout 'NCHW' needs a float32 tensor/)
    await expectCode(createEncoder({ ...uint8Entry, input: { ...uint8Entry.input, size: [S, S + 8] } }, { provider: 'cpu' }), 'manifest-mismatch', /manifest says \[batch, 32, 40, 3\] \(NHWC-uint8\)/)
  })

  it('a fixed-batch uint8 model gets zero-padded bytes; results equal the dynamic model', async () => {
    const entry = await getModel('fixture-tiny-uint8', [root])
    writeFileSync(join(entry.dir, 'fixed.onnx'), makeTinyVit({ ...TINY, batch: 4, uint8Input: true }))
    const fixed = await createEncoder({ ...entry, files: { vision: 'fixed.onnx' } }, { provider: 'cpu' })
    const dynamic = await createEncoder(entry, { provider: 'cpu' })
    try {
      const rgb = randomRgb(3, 22)
      const a = await fixed.encodeInput(rgb, 3)
      const b = await dynamic.encodeInput(rgb, 3)
      expect(a.tokens.length).toBe(b.tokens.length)
      for (let i = 0; i < a.tokens.length; i++) expect(a.tokens[i]).toBeCloseTo(b.tokens[i], 5)
    } finally {
      await fixed.release()
      await dynamic.release()
    }
  })
})

describe('classAttention', () => {
  it('head-averages row 0, drops leading columns and renormalises', () => {
    // B=1, heads=2, T=3: row 0 of head 0 = [.5, .3, .2], head 1 = [.1, .1, .8]
    const attn = new Float32Array(2 * 3 * 3)
    attn.set([0.5, 0.3, 0.2], 0)
    attn.set([0.1, 0.1, 0.8], 9)
    const out = classAttention(attn, 1, 2, 3, 1)
    expect(out[0]).toBeCloseTo(0.4 / 1.4, 6)
    expect(out[1]).toBeCloseTo(1.0 / 1.4, 6)
  })
})
