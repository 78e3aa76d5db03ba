import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { createRng } from '../../common/tensor/rng'
import { ModelError } from './manifest'
import { getModel } from './registry'
import { createEncoder } from './session'
import { framesToPixelValues } from './preprocess'
import { startEncodeWorker } from './encoder-pool'
import { tinyClipManifest, TINY, writeFixtureModels } from './test-models'

const root = writeFixtureModels([tinyClipManifest(), { ...tinyClipManifest('fixture-bad-output'), outputs: { patchTokens: { name: 'tokens' } } }])
afterAll(() => rmSync(root, { recursive: true, force: true }))

const S = TINY.imageSize

function randomFrames(count: number, seed: number): Uint8Array {
  const rand = createRng(seed)
  return Uint8Array.from({ length: count * S * S * 3 }, () => Math.floor(256 * rand()))
}

describe('encode worker', () => {
  it('gives the same results as the in-process encoder, for rgb frames (also across batches) and for pixels', async () => {
    const entry = await getModel('fixture-tiny-clip', [root])
    const local = await createEncoder(entry, { provider: 'cpu' })
    const remote = await startEncodeWorker(entry, { provider: 'cpu' })
    try {
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
    } finally {
      await local.release()
      await remote.close()
    }
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
