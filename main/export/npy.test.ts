import { decodeMethodResult } from '../../common/codec/method-result-codec'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { VideoTokens } from '../../common/tokens'
import type { MethodResult } from '../../common/compression/types'
import { encodeNpy, exportMethodResult, representativePatches } from './npy'

/** Reads .npy v1.0 bytes back: the header dict's fields and the raw data bytes. */
function parseNpy(bytes: Uint8Array): { descr: string; fortran: boolean; shape: number[]; data: DataView; headerText: string } {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
  const headerLength = bytes[8] | (bytes[9] << 8)
  expect((10 + headerLength) % 64).toBe(0)
  const headerText = String.fromCharCode(...bytes.subarray(10, 10 + headerLength))
  expect(headerText.endsWith('\n')).toBe(true)
  const m = /^\{'descr': '([<|][a-z]\d)', 'fortran_order': (True|False), 'shape': \(([\d, ]*)\), \} *\n$/.exec(headerText)
  expect(m).not.toBeNull()
  const shape = m![3].split(',').map((s) => s.trim()).filter(Boolean).map(Number)
  return { descr: m![1], fortran: m![2] === 'True', shape, data: new DataView(bytes.buffer, bytes.byteOffset + 10 + headerLength), headerText }
}

const readInts = (d: DataView) => Array.from({ length: d.byteLength / 4 }, (_, i) => d.getInt32(4 * i, true))
const readF32 = (d: DataView) => Array.from({ length: d.byteLength / 4 }, (_, i) => d.getFloat32(4 * i, true))

describe('encodeNpy', () => {
  it('writes a 2-D int32 array', () => {
    const p = parseNpy(encodeNpy(Int32Array.from([1, -2, 3, 4, 5, -1]), [2, 3]))
    expect(p.descr).toBe('<i4')
    expect(p.fortran).toBe(false)
    expect(p.shape).toEqual([2, 3])
    expect(readInts(p.data)).toEqual([1, -2, 3, 4, 5, -1])
  })
  it('writes 1-D tuples with a trailing comma, and every dtype', () => {
    expect(parseNpy(encodeNpy(Float32Array.from([0.5, 2]), [2])).headerText).toContain("'shape': (2,)")
    const f8 = parseNpy(encodeNpy(Float64Array.from([0.1, 1e300]), [2]))
    expect(f8.descr).toBe('<f8')
    expect([f8.data.getFloat64(0, true), f8.data.getFloat64(8, true)]).toEqual([0.1, 1e300])
    expect(parseNpy(encodeNpy(Uint8Array.from([0, 1]), [2])).descr).toBe('|u1')
    const b1 = parseNpy(encodeNpy(Uint8Array.from([0, 1]), [1, 2], { bool: true }))
    expect(b1.descr).toBe('|b1')
    expect([b1.data.getUint8(0), b1.data.getUint8(1)]).toEqual([0, 1])
  })
  it('writes empty arrays and rejects a shape that does not fit', () => {
    expect(parseNpy(encodeNpy(new Int32Array(0), [0, 2])).shape).toEqual([0, 2])
    expect(() => encodeNpy(new Int32Array(5), [2, 3])).toThrow(/does not hold 5/)
  })
})

// 2 frames of a 1×3 grid, D = 2. Frame 0: patches 0,2 merge into token 0, patch 1 → token 1.
// Frame 1: patch 0 merges into token 0 too (temporal), 1 pruned, 2 → token 2.
const video: VideoTokens = {
  modelId: 'toy',
  grid: { h: 1, w: 3 },
  dim: 2,
  pts: Float64Array.from([0, 0.5]),
  tokens: [Float32Array.from([1, 0, 0, 1, 1, 0]), Float32Array.from([1, 0, 1, 1, 0, 1])],
}
const result: MethodResult = {
  map: {
    grid: { h: 1, w: 3 },
    frameCount: 2,
    keptFrames: Uint8Array.from([1, 1]),
    groups: Int32Array.from([0, 1, 0, 0, -1, 2]),
    tokenSizes: Float32Array.from([3, 1, 1]),
    tokenFrame: Int32Array.from([0, 0, 1]),
  },
  features: Float32Array.from([1, 0, 0, 1, 0, 1]),
  report: { budgetTokens: 3, tokensOut: 3, derived: {}, notes: [] },
}

describe('exportMethodResult', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'npy-export-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('picks the first source patch in raster order as representative', () => {
    expect(Array.from(representativePatches(result))).toEqual([0, 0, 0, 1, 1, 2])
    const synth = { ...result, map: { ...result.map, groups: Int32Array.from([0, 0, 0, 0, -1, 0]) } }
    expect(Array.from(representativePatches(synth))).toEqual([0, 0, 0, -1, 1, -1])
  })

  it('writes every array with its shape, dtype and values, and result.json', async () => {
    const out = join(dir, 'run')
    await exportMethodResult(out, video, result)
    expect((await readdir(out)).sort()).toEqual(
      ['features.npy', 'groups.npy', 'kept_indices.npy', 'kept_patch_mask.npy', 'pts.npy', 'result.json', 'token_frame.npy', 'token_map.bin', 'token_sizes.npy'],
    )
    const bin = decodeMethodResult(new Uint8Array(await readFile(join(out, 'token_map.bin'))))
    expect(Array.from(bin.map.groups)).toEqual(Array.from(result.map.groups))
    expect(Array.from(bin.features!)).toEqual(Array.from(result.features))
    const load = async (name: string) => parseNpy(new Uint8Array(await readFile(join(out, name))))
    const groups = await load('groups.npy')
    expect([groups.descr, groups.shape]).toEqual(['<i4', [2, 3]])
    expect(readInts(groups.data)).toEqual([0, 1, 0, 0, -1, 2])
    const mask = await load('kept_patch_mask.npy')
    expect([mask.descr, mask.shape]).toEqual(['|b1', [2, 3]])
    expect(Array.from({ length: 6 }, (_, i) => mask.data.getUint8(i))).toEqual([1, 1, 1, 1, 0, 1])
    const kept = await load('kept_indices.npy')
    expect([kept.descr, kept.shape]).toEqual(['<i4', [3, 2]])
    expect(readInts(kept.data)).toEqual([0, 0, 0, 1, 1, 2])
    const sizes = await load('token_sizes.npy')
    expect([sizes.descr, sizes.shape, readF32(sizes.data)]).toEqual(['<f4', [3], [3, 1, 1]])
    const frames = await load('token_frame.npy')
    expect([frames.descr, frames.shape, readInts(frames.data)]).toEqual(['<i4', [3], [0, 0, 1]])
    const features = await load('features.npy')
    expect([features.descr, features.shape, readF32(features.data)]).toEqual(['<f4', [3, 2], [1, 0, 0, 1, 0, 1]])
    const pts = await load('pts.npy')
    expect([pts.descr, pts.shape, pts.data.getFloat64(8, true)]).toEqual(['<f8', [2], 0.5])
    const json = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'))
    expect(json.report).toEqual(result.report)
    expect(json.metrics.tokensIn).toBe(6)
    expect(json.metrics.tokensOut).toBe(3)
    expect(json.grid).toEqual({ h: 1, w: 3 })
  })

  const hasNumpy = (() => {
    try {
      execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()

  it.skipIf(!hasNumpy)('loads in NumPy (when python3 + numpy are installed)', async () => {
    const out = join(dir, 'np')
    await exportMethodResult(out, video, result)
    const script = [
      'import numpy as np, sys, json',
      'd = sys.argv[1]',
      "print(json.dumps({k: (lambda a: [str(a.dtype), list(a.shape), a.ravel().tolist()])(np.load(d + '/' + k + '.npy')) for k in ['groups', 'kept_patch_mask', 'kept_indices', 'features', 'pts']}))",
    ].join('\n')
    const got = JSON.parse(execFileSync('python3', ['-c', script, out], { encoding: 'utf8' }))
    expect(got.groups).toEqual(['int32', [2, 3], [0, 1, 0, 0, -1, 2]])
    expect(got.kept_patch_mask).toEqual(['bool', [2, 3], [true, true, true, true, false, true]])
    expect(got.kept_indices).toEqual(['int32', [3, 2], [0, 0, 0, 1, 1, 2]])
    expect(got.features).toEqual(['float32', [3, 2], [1, 0, 0, 1, 0, 1]])
    expect(got.pts).toEqual(['float64', [2], [0, 0.5]])
  })
})
