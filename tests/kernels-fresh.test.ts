import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { similarityWasm, similarityWasmModuleSource } from '../scripts/kernels/assemble'

describe('similarity kernels module', () => {
  it('is the committed output of npm run build:kernels', async () => {
    const committed = readFileSync(new URL('../common/tensor/similarity-wasm.ts', import.meta.url), 'utf8')
    expect(committed).toBe(similarityWasmModuleSource(await similarityWasm()))
  })
})
