/**
 * Writes common/tensor/similarity-wasm.ts: the similarity kernels (scripts/kernels/similarity-wat.ts)
 * assembled to WebAssembly. Run: npm run build:kernels   (deterministic; a test checks the committed file is fresh)
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { similarityWasm, similarityWasmModuleSource } from './kernels/assemble'

const file = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'common', 'tensor', 'similarity-wasm.ts')
const bytes = await similarityWasm()
writeFileSync(file, similarityWasmModuleSource(bytes))
console.log(`wrote ${file} (${bytes.length} bytes of WebAssembly)`)
