import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { userModelsDir } from '../settings'
import { BUILTIN_ID, BUILTIN_MANIFEST } from './builtin-model'
import { ModelError, parseManifest } from './manifest'
import { bundledModelsDir, defaultModelDirs, getModel, listModels, scanModels, userModelsDirs } from './registry'
import { framesToPixelValues, modelInputFromRgb, modelInputShape, toPixelValues } from './preprocess'
import { tinyClipManifest, writeFixtureModels } from '../../tests/fixtures/models'

const bad = (patch: (m: Record<string, unknown>) => void): ModelError => {
  const m = JSON.parse(JSON.stringify(tinyClipManifest())) as Record<string, unknown>
  patch(m)
  try {
    parseManifest(m, 'x/manifest.json')
  } catch (e) {
    return e as ModelError
  }
  throw new Error('expected the manifest to be rejected')
}

describe('parseManifest', () => {
  it('accepts the built-in and the fixture manifests unchanged', () => {
    expect(JSON.parse(JSON.stringify(parseManifest(JSON.parse(JSON.stringify(BUILTIN_MANIFEST)))))).toEqual(JSON.parse(JSON.stringify(BUILTIN_MANIFEST)))
    expect(parseManifest(tinyClipManifest()).outputs.importance).toEqual({ name: 'attentions', kind: 'cls-attention', fromAttention: { dropLeading: 1 } })
  })

  it("input.layout is 'NCHW' (the default) or 'NHWC-uint8'", () => {
    const withLayout = (layout: unknown) => parseManifest({ ...tinyClipManifest(), input: { ...tinyClipManifest().input, layout } }).input.layout
    expect(withLayout('NHWC-uint8')).toBe('NHWC-uint8')
    expect(withLayout('NCHW')).toBe('NCHW')
    expect(withLayout(undefined)).toBe('NCHW')
    expect(BUILTIN_MANIFEST.input.layout).toBe('NHWC-uint8')
    expect(bad((m) => ((m.input as Record<string, unknown>).layout = 'NHWC')).message).toMatch(/input\.layout must be one of 'NCHW', 'NHWC-uint8'/)
  })

  it('names the offending field in a one-line bad-manifest error', () => {
    const e1 = bad((m) => delete m.dim)
    expect(e1).toBeInstanceOf(ModelError)
    expect(e1.code).toBe('bad-manifest')
    expect(e1.message).toBe('x/manifest.json: dim must be an integer >= 1')
    expect(bad((m) => ((m.input as Record<string, unknown>).mean = [0.5, 0.5])).message).toMatch(/input\.mean must be an array of 3 numbers/)
    expect(bad((m) => ((m.input as Record<string, unknown>).resize = 'crop')).message).toMatch(/input\.resize must be one of 'squash', 'center-crop', 'letterbox'/)
    expect(bad((m) => (((m.outputs as Record<string, Record<string, unknown>>).importance.kind = 'attention'))).message).toMatch(/outputs\.importance\.kind/)
    expect(bad((m) => (m.id = '../evil')).message).toMatch(/^x\/manifest\.json: id must be/)
    expect(bad((m) => (m.grid = { h: 5, w: 4 })).message).toMatch(/grid must be at most input.size \/ patchSize \(4 × 4\)/)
    expect(bad((m) => delete (m.files as Record<string, unknown>).text).message).toMatch(/files\.text must be set when "text" is given/)
  })
})

describe('native-models/README.md', () => {
  it('its example manifests are valid', () => {
    const readme = readFileSync(join(bundledModelsDir(), 'README.md'), 'utf8')
    const examples = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => parseManifest(JSON.parse(m[1])))
    expect(examples.map((m) => m.id)).toEqual(['clip-vit-b16', 'dinov2-small', 'siglip-b16-224'])
    expect(examples[0].outputs.importance?.fromAttention?.dropLeading).toBe(1)
    expect(examples[2].outputs.classToken).toEqual({ name: 'pooler_output', index: undefined })
  })
})

describe('registry', () => {
  const root = writeFixtureModels([tinyClipManifest('fixture-a'), tinyClipManifest('fixture-b')])
  const broken = mkdtempSync(join(tmpdir(), 'tokenscope-broken-'))
  mkdirSync(join(broken, 'not-json'))
  writeFileSync(join(broken, 'not-json', 'manifest.json'), '{ nope')
  mkdirSync(join(broken, 'fixture-a'))
  for (const f of ['manifest.json', 'model.onnx', 'text.onnx', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(root, 'fixture-a', f), join(broken, 'fixture-a', f))
  mkdirSync(join(broken, 'no-file'))
  writeFileSync(join(broken, 'no-file', 'manifest.json'), JSON.stringify({ ...tinyClipManifest('no-file'), files: { vision: 'model.onnx' }, text: undefined }))
  afterAll(() => {
    rmSync(root, { recursive: true, force: true })
    rmSync(broken, { recursive: true, force: true })
  })

  it('lists the bundled built-in model by default folder', async () => {
    const models = await listModels([bundledModelsDir()])
    const builtin = models.find((m) => m.id === BUILTIN_ID)!
    expect(builtin.origin).toBe('bundled')
    expect(builtin.outputs.importance?.kind).toBe('saliency-proxy')
    expect(builtin.description).toMatch(/^Not a learned model/)
  })

  it('lists user folders after the bundled one, and reports unusable manifests instead of hiding them', async () => {
    const { models, problems } = await scanModels([bundledModelsDir(), root, broken, join(root, 'does-not-exist')])
    expect(models.map((m) => m.id)).toEqual([BUILTIN_ID, 'fixture-a', 'fixture-b'])
    expect(models[1]).toMatchObject({ origin: 'user', dir: join(root, 'fixture-a') })
    const codes = Object.fromEntries(problems.map((p) => [p.path.split(/[\\/]/).at(-2), p.error.code]))
    expect(codes).toEqual({ 'fixture-a': 'bad-manifest', 'no-file': 'missing-file', 'not-json': 'bad-manifest' })
  })

  it('getModel finds a model, explains a broken one, and rejects an unknown id', async () => {
    expect((await getModel('fixture-b', [root])).id).toBe('fixture-b')
    await expect(getModel('no-file', [broken])).rejects.toMatchObject({ code: 'missing-file' })
    await expect(getModel('nothing', [root])).rejects.toMatchObject({ code: 'unknown-model', message: expect.stringContaining('fixture-a, fixture-b') })
  })

  it('user folders are settings.userModelsDir(): TOKENSCOPE_MODELS_DIR (several folders), else <data dir>/models', () => {
    try {
      vi.stubEnv('TOKENSCOPE_MODELS_DIR', ['/a', '/b'].join(delimiter))
      expect(userModelsDirs()).toEqual([resolve('/a'), resolve('/b')])
      expect(defaultModelDirs()).toEqual([bundledModelsDir(), resolve('/a'), resolve('/b')])
      vi.stubEnv('TOKENSCOPE_MODELS_DIR', undefined)
      vi.stubEnv('TOKENSCOPE_DATA_DIR', '/data/ts')
      expect(userModelsDir()).toBe(join('/data/ts', 'models'))
      expect(userModelsDirs()).toEqual([resolve('/data/ts/models')])
    } finally {
      vi.unstubAllEnvs()
    }
  })
})

describe('preprocess', () => {
  const entry = { input: { ...tinyClipManifest().input, size: [2, 3] as [number, number], mean: [0.5, 0, 1] as [number, number, number], std: [0.5, 1, 2] as [number, number, number] } }

  it('normalises rgb24 HWC into CHW with mean/std', () => {
    // 3 wide, 2 high; pixel (y, x) = [r, g, b]
    const rgb = Uint8Array.from([0, 0, 0, 255, 255, 255, 51, 102, 153, 255, 0, 0, 0, 255, 0, 0, 0, 255])
    const out = toPixelValues(rgb, 3, 2, entry)
    const r = [0, 255, 51, 255, 0, 0].map((v) => (v / 255 - 0.5) / 0.5)
    const g = [0, 255, 102, 0, 255, 0].map((v) => v / 255)
    const b = [0, 255, 153, 0, 0, 255].map((v) => (v / 255 - 1) / 2)
    ;[...r, ...g, ...b].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6))
    expect(() => toPixelValues(rgb, 2, 3, entry)).toThrow(/2×3, the model wants 3×2/)
  })

  it('writes frame f of a batch at offset f*3*H*W', () => {
    const frames = Uint8Array.from({ length: 2 * 18 }, (_, i) => i * 7)
    const batch = framesToPixelValues(frames, 2, entry)
    expect(batch.subarray(18)).toEqual(toPixelValues(frames.subarray(18), 3, 2, entry))
  })

  it('modelInputFromRgb: the bytes themselves (a view) for NHWC-uint8, normalised NCHW floats for NCHW', () => {
    const frames = Uint8Array.from({ length: 3 * 18 }, (_, i) => i * 5)
    const bytes = modelInputFromRgb({ input: { ...entry.input, layout: 'NHWC-uint8' } }, frames, 2)
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(bytes.buffer).toBe(frames.buffer) // no copy
    expect(bytes).toEqual(frames.subarray(0, 36))
    const out = new Float32Array(3 * 18)
    const floats = modelInputFromRgb(entry, frames, 2, out)
    expect(floats).toBe(out) // written into the given buffer
    expect(floats.subarray(0, 36)).toEqual(framesToPixelValues(frames, 2, entry))
    expect(modelInputFromRgb(entry, frames, 3, new Float32Array(10)).length).toBe(54) // too small: a new array
    expect(() => modelInputFromRgb(entry, frames, 4)).toThrow(/4 frames need 72 bytes, got 54/)
    expect(modelInputShape(entry, 5)).toEqual([5, 3, 2, 3])
    expect(modelInputShape({ input: { ...entry.input, layout: 'NHWC-uint8' } }, 5)).toEqual([5, 2, 3, 3])
  })
})
