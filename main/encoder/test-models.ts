/**
 * Test helpers: write FIXTURE models (random weights, main/onnx/fixtures.ts) with their manifests
 * into a temporary models folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeTinyTextEncoder, makeTinyVit } from '../onnx/fixtures'
import type { ModelManifest } from './manifest'

export const TINY = { imageSize: 32, patch: 8, dim: 16, heads: 2, layers: 2, seed: 7 } as const

/** The manifest a user would write for the CLIP-shaped fixture (class token row 0, importance from attentions). */
export function tinyClipManifest(id = 'fixture-tiny-clip'): ModelManifest {
  const g = TINY.imageSize / TINY.patch
  return {
    id,
    name: 'Tiny CLIP-shaped FIXTURE (random weights)',
    description: 'Test fixture with random weights; not a model.',
    licence: 'MIT',
    source: 'main/onnx/fixtures.ts',
    files: { vision: 'model.onnx', text: 'text.onnx' },
    input: { size: [TINY.imageSize, TINY.imageSize], mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711], layout: 'NCHW', resize: 'center-crop', inputName: 'pixel_values' },
    patchSize: TINY.patch,
    grid: { h: g, w: g },
    dim: TINY.dim,
    outputs: {
      patchTokens: { name: 'last_hidden_state', dropLeading: 1 },
      classToken: { name: 'last_hidden_state', index: 0 },
      importance: { name: 'attentions', kind: 'cls-attention', fromAttention: { dropLeading: 1 } },
    },
    text: { inputName: 'input_ids', outputName: 'text_embeds', maxLength: 8, embedDim: TINY.dim },
    batchSize: 4,
  }
}

/**
 * The same fixture taking rgb24 bytes (layout 'NHWC-uint8', uint8 [B, S, S, 3]); its graph normalises
 * with mean = std = 0.5, which the manifest records. Same weights as tinyClipManifest's model.
 */
export function tinyUint8Manifest(id = 'fixture-tiny-uint8'): ModelManifest {
  const m = tinyClipManifest(id)
  return { ...m, input: { ...m.input, layout: 'NHWC-uint8', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } }
}

/**
 * A fresh models folder; each manifest gets the tiny ViT as model.onnx (its uint8-input variant for
 * 'NHWC-uint8' manifests) and the tiny text encoder. Returns the folder.
 */
export function writeFixtureModels(manifests: ModelManifest[]): string {
  const root = mkdtempSync(join(tmpdir(), 'tokenscope-models-'))
  const vit = makeTinyVit(TINY)
  const vitUint8 = makeTinyVit({ ...TINY, uint8Input: true })
  const text = makeTinyTextEncoder({ vocab: 64, maxLength: 8, dim: TINY.dim })
  for (const m of manifests) {
    const dir = join(root, m.id)
    mkdirSync(dir)
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2))
    writeFileSync(join(dir, m.files.vision), m.input.layout === 'NHWC-uint8' ? vitUint8 : vit)
    if (m.files.text) writeFileSync(join(dir, m.files.text), text)
  }
  return root
}
