import { mkdtempSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openTokenCache, openTokenCacheIfExists, CacheCorruptError } from './token-cache'
import type { VideoInfo } from '../../common/video'

const grid = { h: 2, w: 3 }
const N = 6
const D = 4
const video = { path: '/v.mp4', duration: 10 } as VideoInfo
const init = {
  fingerprint: 'abc',
  video,
  modelId: 'm',
  sampling: { mode: 'fps' as const, fps: 1 },
  grid,
  dim: D,
  hasCls: true,
  importanceKind: 'saliency-proxy' as const,
  framesExpected: 10,
}

/** Batch of frames [first, first+n): token values encode (frame, patch, channel) exactly in fp16. */
function batch(first: number, n: number) {
  const tokens = new Float32Array(n * N * D)
  const cls = new Float32Array(n * D)
  const importance = new Float32Array(n * N)
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < N; p++) {
      for (let k = 0; k < D; k++) tokens[(i * N + p) * D + k] = (first + i) * 10 + p + k / 4
      importance[i * N + p] = 1 / N
    }
    for (let k = 0; k < D; k++) cls[i * D + k] = -(first + i) - k / 8
  }
  return { pts: Float64Array.from({ length: n }, (_, i) => (first + i) * 1.001), tokens, cls, importance }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'ts-cache-'))

describe('token cache', () => {
  it('stores frames and reads any range back exactly', () => {
    const dir = tmp()
    const c = openTokenCache(dir, init)
    c.append(batch(0, 4))
    c.append(batch(4, 3))
    c.append(batch(7, 3))
    c.markComplete(10)
    c.close()

    const r = openTokenCacheIfExists(dir)!
    expect(r.framesReady).toBe(10)
    expect(r.header.complete).toBe(true)
    expect(r.repairedBytes).toBe(0)
    const part = r.read(3, 5) // spans three chunks
    expect(Array.from(part.pts)).toEqual([3, 4, 5, 6, 7].map((t) => t * 1.001))
    expect(part.tokens).toHaveLength(5)
    expect(part.tokens[2][1 * D + 3]).toBe(5 * 10 + 1 + 3 / 4)
    expect(part.cls![4][1]).toBe(-7 - 1 / 8)
    expect(part.importance![0][5]).toBeCloseTo(1 / 6, 7)
    expect(Array.from(r.readPts())).toEqual(Array.from({ length: 10 }, (_, t) => t * 1.001))
    r.close()
  })

  it('drops a torn last chunk and resumes after the last whole one', () => {
    const dir = tmp()
    const c = openTokenCache(dir, init)
    c.append(batch(0, 4))
    c.append(batch(4, 4))
    c.close()
    const file = join(dir, 'tokens.bin')
    truncateSync(file, statSync(file).size - 17) // a crash in the middle of the second chunk

    const again = openTokenCache(dir, init)
    expect(again.framesReady).toBe(4)
    expect(again.repairedBytes).toBeGreaterThan(0)
    again.append(batch(4, 2))
    expect(again.read(0, 6).tokens[5][0]).toBe(50)
    again.close()
  })

  it('drops a last chunk whose bytes do not match its CRC', () => {
    const dir = tmp()
    const c = openTokenCache(dir, init)
    c.append(batch(0, 2))
    c.append(batch(2, 2))
    c.close()
    const file = join(dir, 'tokens.bin')
    const fd = openSync(file, 'r+')
    writeSync(fd, new Uint8Array([1, 2, 3, 4]), 0, 4, statSync(file).size - 40) // inside the last payload
    closeSync(fd)
    const again = openTokenCacheIfExists(dir)!
    expect(again.framesReady).toBe(2)
    again.close()
  })

  it('refuses to read a corrupt chunk rather than mis-read it', () => {
    const dir = tmp()
    const c = openTokenCache(dir, init)
    c.append(batch(0, 2))
    c.append(batch(2, 2))
    c.close()
    const file = join(dir, 'tokens.bin')
    const fd = openSync(file, 'r+')
    writeSync(fd, new Uint8Array([9, 9, 9, 9]), 0, 4, 32 + 20) // inside the first payload
    closeSync(fd)
    const again = openTokenCacheIfExists(dir)!
    expect(again.framesReady).toBe(4) // only the last chunk is checked on open
    expect(() => again.read(0, 1)).toThrow(CacheCorruptError)
    expect(again.read(2, 2).tokens).toHaveLength(2)
    again.close()
  })

  it('starts over when the stored cache is for another grid or model', () => {
    const dir = tmp()
    const c = openTokenCache(dir, init)
    c.append(batch(0, 2))
    c.close()
    const other = openTokenCache(dir, { ...init, dim: 8 })
    expect(other.framesReady).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'header.json'), 'utf8')).dim).toBe(8)
    other.close()
  })
})

describe('token cache: text-space embeddings (version 2)', () => {
  const P = 3
  const withEmbeds = { ...init, embedDim: P, hasFrameEmbeds: true, hasPatchEmbeds: true }
  const embeds = (first: number, n: number) => ({
    ...batch(first, n),
    frameEmbeds: Float32Array.from({ length: n * P }, (_, i) => first + Math.floor(i / P) + (i % P) / 8),
    patchEmbeds: Float32Array.from({ length: n * N * P }, (_, i) => -(first + Math.floor(i / (N * P))) - (i % (N * P)) / 32),
  })

  it('stores frame and patch embeddings beside the tokens and reads any range back', () => {
    const dir = tmp()
    const c = openTokenCache(dir, withEmbeds)
    c.append(embeds(0, 3))
    c.append(embeds(3, 2))
    c.markComplete(5)
    c.close()
    const r = openTokenCacheIfExists(dir)!
    expect(r.header.version).toBe(2)
    const part = r.read(2, 3)
    expect(part.embedDim).toBe(P)
    expect(Array.from(part.frameEmbeds![1])).toEqual([3, 3 + 1 / 8, 3 + 2 / 8])
    expect(part.patchEmbeds![2][N * P - 1]).toBe(-4 - (N * P - 1) / 32)
    expect(part.tokens[1][1 * D + 3]).toBe(3 * 10 + 1 + 3 / 4) // the tokens are where they were
    r.close()
  })

  it('reads a version 1 cache (written before the embeddings existed) as it is', () => {
    const dir = tmp()
    const c = openTokenCache(dir, init)
    c.append(batch(0, 2))
    c.markComplete(2)
    c.close()
    const header = JSON.parse(readFileSync(join(dir, 'header.json'), 'utf8'))
    writeFileSync(join(dir, 'header.json'), JSON.stringify({ ...header, version: 1 }))
    const r = openTokenCacheIfExists(dir)!
    expect(r.header.version).toBe(1)
    const all = r.read(0, 2)
    expect(all.frameEmbeds).toBeUndefined()
    expect(all.tokens[1][0]).toBe(10)
    r.close()
    // Opened for a model that has embeddings, it is rebuilt (not misread).
    const rebuilt = openTokenCache(dir, withEmbeds)
    expect(rebuilt.framesReady).toBe(0)
    expect(rebuilt.header.version).toBe(2)
    rebuilt.close()
  })

  it('a cache of an unknown version is ignored, not misread', () => {
    const dir = tmp()
    openTokenCache(dir, init).close()
    const header = JSON.parse(readFileSync(join(dir, 'header.json'), 'utf8'))
    writeFileSync(join(dir, 'header.json'), JSON.stringify({ ...header, version: 99 }))
    expect(openTokenCacheIfExists(dir)).toBeNull()
  })
})
