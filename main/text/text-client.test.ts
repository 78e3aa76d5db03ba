import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { getModel } from '../encoder/registry'
import { createQueryEmbedder } from './text-client'
import { createTextEncoder } from './text-encoder'
import { tinyClipManifest, writeFixtureModels } from '../../tests/fixtures/models'

const root = writeFixtureModels([tinyClipManifest()])
const cache = mkdtempSync(join(tmpdir(), 'ts-text-'))
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  rmSync(cache, { recursive: true, force: true })
})

describe('query embeddings (text tower in a worker, cached per query)', () => {
  it('gives the in-process text encoder’s unit vectors, once per text even when asked concurrently, and from disk next time', async () => {
    const model = await getModel('fixture-tiny-clip', [root])
    const direct = await createTextEncoder(model, { provider: 'cpu' })
    const [want] = await direct.embed(['a red car'])
    await direct.release()
    expect(Math.hypot(...want.embedding)).toBeCloseTo(1, 6)

    const embedder = createQueryEmbedder(cache)
    const [a, b] = await Promise.all([embedder.embed(model, ['a red car']), embedder.embed(model, ['a red car', 'a photo of a red car'])])
    await embedder.close()
    expect(Array.from(a[0].embedding)).toEqual(Array.from(want.embedding))
    expect(b[0]).toBe(a[0])
    expect(b[1].embedding).not.toEqual(a[0].embedding)
    const files = readdirSync(join(cache, 'text-embeddings', model.id))
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2)
    expect(files.filter((f) => f.endsWith('.tmp'))).toHaveLength(0)

    // A fresh embedder answers from the files on disk.
    const again = createQueryEmbedder(cache)
    const [cached] = await again.embed(model, ['a red car'])
    await again.close()
    expect(Array.from(cached.embedding)).toEqual(Array.from(want.embedding))
  })
})
