/**
 * Writes the built-in encoder: native-models/tokenscope-dct16/{model.onnx, manifest.json}.
 * Run: npx tsx scripts/build-builtin-model.ts   (deterministic; a test checks the committed files are fresh)
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILTIN_ID, BUILTIN_MANIFEST, builtinModel } from '../main/encoder/builtin-model'

const dir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'native-models', BUILTIN_ID)
mkdirSync(dir, { recursive: true })
const bytes = builtinModel()
writeFileSync(join(dir, 'model.onnx'), bytes)
// Arrays of numbers on one line, the way a person would write the manifest.
const json = JSON.stringify(BUILTIN_MANIFEST, null, 2).replace(/\[\s+([-\d.e,\s]+?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`)
writeFileSync(join(dir, 'manifest.json'), json + '\n')
console.log(`wrote ${dir}/model.onnx (${bytes.length} bytes) and manifest.json`)
