import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { createRng } from '../../common/tensor/rng'
import { type ModelEntry, ModelError } from './manifest'
import { bundledModelsDir, getModel } from './registry'
import { createEncoder, type Encoder } from './session'
import { framesToPixelValues } from './preprocess'
import { startEncodeWorker, type WorkerEncoder } from './encoder-pool'
import { tinyClipManifest, tinyUint8Manifest, TINY, writeFixtureModels } from '../../tests/fixtures/models'
import { BUILTIN_ID } from './builtin-model'

const root = writeFixtureModels([tinyClipManifest(), { ...tinyClipManifest('fixture-bad-output'), outputs: { patchTokens: { name: 'tokens' } } }, tinyUint8Manifest()])
afterAll(() => rmSync(root, { recursive: true, force: true }))

const S = TINY.imageSize

function randomFrames(count: number, seed: number): Uint8Array {
  const rand = createRng(seed)
  return Uint8Array.from({ length: count * S * S * 3 }, () => Math.floor(256 * rand()))
}

/** Model `id` from `dir` on the CPU, in process and in an encode worker, both released after `use`. */
async function withEncoders(id: string, dir: string, use: (entry: ModelEntry, local: Encoder, remote: WorkerEncoder) => Promise<void>): Promise<void> {
  const entry = await getModel(id, [dir])
  const local = await createEncoder(entry, { provider: 'cpu' })
  const remote = await startEncodeWorker(entry, { provider: 'cpu' })
  try {
    await use(entry, local, remote)
  } finally {
    await local.release()
    await remote.close()
  }
}

describe('encode worker', () => {
  it('gives the same results as the in-process encoder, for rgb frames (also across batches) and for pixels', async () => {
    await withEncoders('fixture-tiny-clip', root, async (entry, local, remote) => {
      expect(remote.provider).toBe('cpu')
      expect(remote.batchSize).toBe(local.batchSize)
      expect(remote.inputSize).toEqual([S, S])

      // 6 frames > batchSize 4: the worker runs 4 + 2 and joins them
      const count = 6
      const frames = randomFrames(count, 5)
      const copy = frames.slice()
      const pixels = framesToPixelValues(copy, count, entry)
      const want = await local.encode(pixels, count)
      const got = await remote.encodeRgb(frames, count)
      expect(frames.byteLength).toBe(0) // transferred, not copied
      expect(got.frames).toEqual(copy) // and handed back
      expect(got.tokens).toEqual(want.tokens)
      expect(got.cls).toEqual(want.cls)
      expect(got.importance).toEqual(want.importance)
      expect(got.inferenceMs).toBeGreaterThan(0)
      expect(typeof got.preprocessMs).toBe('number')

      const two = framesToPixelValues(copy, 2, entry)
      const want2 = await local.encode(two, 2)
      const got2 = await remote.encode(two.slice(), 2)
      expect(got2.tokens).toEqual(want2.tokens)
      expect(got2.importance).toEqual(want2.importance)
      expect(got2.pixels).toEqual(two)

      // requests queued back to back come back in order, each with its own result
      const [a, b] = await Promise.all([remote.encodeRgb(randomFrames(1, 8), 1), remote.encodeRgb(copy.slice(0, S * S * 3), 1)])
      expect(b.tokens).toEqual(want.tokens.subarray(0, a.tokens.length))
      expect(a.tokens).not.toEqual(b.tokens)
    })
  })

  it("for an 'NHWC-uint8' model, feeds the rgb bytes as they are: same results as the in-process encoder on them (also across batches)", async () => {
    await withEncoders('fixture-tiny-uint8', root, async (entry, local, remote) => {
      expect(remote.inputLayout).toBe('NHWC-uint8')
      const frames = randomFrames(6, 15) // 6 > batchSize 4: run as 4 + 2
      const copy = frames.slice()
      const want = await local.encodeInput(copy, 6)
      const got = await remote.encodeRgb(frames, 6)
      expect(frames.byteLength).toBe(0)
      expect(got.frames).toEqual(copy)
      expect(got.tokens).toEqual(want.tokens)
      expect(got.cls).toEqual(want.cls)
      expect(got.importance).toEqual(want.importance)
      const viaEncode = await remote.encode(copy.slice(0, 2 * S * S * 3), 2)
      expect(viaEncode.tokens).toEqual(want.tokens.subarray(0, viaEncode.tokens.length))
      expect(viaEncode.pixels).toBeInstanceOf(Uint8Array)
      await expect(remote.encode(new Float32Array(3 * S * S), 1)).rejects.toThrow(/uint8 rgb bytes/)
    })
  })

  it('the built-in model in the worker gives exactly the in-process tokens for rgb frames', async () => {
    await withEncoders(BUILTIN_ID, bundledModelsDir(), async (entry, local, remote) => {
      const [h, w] = entry.input.size
      const rand = createRng(4)
      const frames = Uint8Array.from({ length: 2 * h * w * 3 }, () => Math.floor(256 * rand()))
      const want = await local.encodeInput(frames, 2)
      const got = await remote.encodeRgb(frames.slice(), 2)
      expect(got.tokens).toEqual(want.tokens)
      expect(got.cls).toEqual(want.cls)
      expect(got.importance).toEqual(want.importance)
    })
  })

  it('recycled result buffers are reused and hold the new results, not stale ones', async () => {
    await withEncoders(BUILTIN_ID, bundledModelsDir(), async (entry, local, remote) => {
      const [h, w] = entry.input.size
      const rand = createRng(5)
      const batches = [0, 1, 2].map(() => Uint8Array.from({ length: 2 * h * w * 3 }, () => Math.floor(256 * rand())))
      const first = await remote.encodeRgb(batches[0].slice(), 2)
      const firstTokens = first.tokens.slice()
      remote.recycle(first)
      expect(first.tokens.length).toBe(0) // transferred back to the worker
      for (const frames of batches.slice(1)) {
        const got = await remote.encodeRgb(frames.slice(), 2)
        const want = await local.encodeInput(frames, 2)
        expect(got.tokens).toEqual(want.tokens)
        expect(got.importance).toEqual(want.importance)
        expect(got.tokens).not.toEqual(firstTokens)
        remote.recycle(got)
      }
    })
  })

  it('a request error is reported for that request; a load error rejects the start with the ModelError code', async () => {
    const remote = await startEncodeWorker(await getModel('fixture-tiny-clip', [root]), { provider: 'cpu' })
    try {
      await expect(remote.encodeRgb(new Uint8Array(10), 1)).rejects.toThrow(/need 3072 bytes/)
      const ok = await remote.encodeRgb(randomFrames(1, 3), 1)
      expect(ok.tokens.length).toBe(16 * TINY.dim)
    } finally {
      await remote.close()
    }
    const e = await startEncodeWorker(await getModel('fixture-bad-output', [root])).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(ModelError)
    expect((e as ModelError).code).toBe('manifest-mismatch')
  })
})
