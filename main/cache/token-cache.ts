/**
 * The token cache: one folder per (video content, model, sampling), holding
 *
 *   header.json   what the tokens are (video, model, sampling, grid, dim, which extras), and
 *                 `complete` once every frame is in; rewritten atomically (tmp + rename)
 *   tokens.bin    append-only chunks, one per encoded batch, written as frames are encoded:
 *
 *     chunk header (32 bytes, little-endian)
 *       0  u32  magic 'TSCK'
 *       4  u32  first frame index
 *       8  u32  frame count n
 *      12  u32  payload bytes
 *      16  u32  CRC-32 of the payload
 *      20  12 bytes reserved (0)
 *     payload
 *       pts         f64 [n]
 *       tokens      f16 [n, N, D]
 *       cls         f16 [n, D]      when the model has a class token
 *       importance  f32 [n, N]      when the model has an importance map (kept in f32: it sums to 1)
 *       frameEmbeds f16 [n, P]      when the model embeds frames in its text tower's space (version 2)
 *       patchEmbeds f16 [n, N, P]   when it embeds every patch there too (version 2)
 *       padding to 8 bytes
 *
 * Version 1 caches (written before the text-space embeddings existed) have neither section and are
 * read as they are: their layout is version 2's without the two sections. A cache of an older or
 * newer version than this code knows is ignored and rebuilt.
 *
 * Opening scans only the chunk headers (a few hundred small reads for an hour of video), so it
 * is instant; it checks the last chunk's CRC and cuts a torn or corrupt tail, so an interrupted
 * analysis resumes after the last whole chunk. Every chunk read checks its CRC. Any frame range
 * is read from just the chunks that hold it.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { decodeHalf, encodeHalf } from '../../common/tensor/fp16'
import type { ImportanceKind, TokenGrid, VideoTokens } from '../../common/tokens'
import type { Sampling, VideoInfo } from '../../common/video'

export const CACHE_FORMAT_VERSION = 2
/** Versions this code reads (1: no text-space embeddings). */
const READABLE_VERSIONS = [1, 2]
const CHUNK_MAGIC = 0x4b435354 // 'TSCK' little-endian
const CHUNK_HEADER_BYTES = 32

export interface CacheHeader {
  format: 'tokenscope-token-cache'
  version: number
  fingerprint: string
  video: VideoInfo
  modelId: string
  sampling: Sampling
  grid: TokenGrid
  dim: number
  hasCls: boolean
  importanceKind?: ImportanceKind
  /** P, the width of the text-space embeddings; absent: the cache has none. */
  embedDim?: number
  hasFrameEmbeds?: boolean
  hasPatchEmbeds?: boolean
  /** Frames the sampling will produce (an estimate until `complete`). */
  framesExpected: number
  complete: boolean
}

/** A batch of consecutive encoded frames. Shapes: pts [n], tokens [n, N, D], cls [n, D], importance [n, N], frameEmbeds [n, P], patchEmbeds [n, N, P]. */
export interface FrameBatch {
  pts: Float64Array
  tokens: Float32Array
  cls?: Float32Array
  importance?: Float32Array
  frameEmbeds?: Float32Array
  patchEmbeds?: Float32Array
}

interface ChunkEntry {
  offset: number
  firstFrame: number
  frameCount: number
  payloadBytes: number
  crc: number
}

export interface TokenCache {
  readonly dir: string
  readonly header: CacheHeader
  /** Frames stored, always a prefix 0..framesReady-1 of the sampled frames. */
  readonly framesReady: number
  /** Bytes of a torn or corrupt tail cut off when the cache was opened (0 when it was clean). */
  readonly repairedBytes: number
  append(batch: FrameBatch): void
  markComplete(framesTotal: number): void
  /**
   * Frames [start, start+count) as VideoTokens (pts, tokens, cls, importance, embeddings), in one
   * SharedArrayBuffer (method workers read it without a copy) unless `shared` is false.
   */
  read(start: number, count: number, opts?: { shared?: boolean }): VideoTokens
  /** The pts of every stored frame, reading only the pts section of each chunk. */
  readPts(): Float64Array
  close(): void
}

export class CacheCorruptError extends Error {
  override name = 'CacheCorruptError'
}

const headerPath = (dir: string) => join(dir, 'header.json')
const dataPath = (dir: string) => join(dir, 'tokens.bin')

function writeHeader(dir: string, header: CacheHeader): void {
  const tmp = headerPath(dir) + '.tmp'
  writeFileSync(tmp, JSON.stringify(header, null, 1))
  renameSync(tmp, headerPath(dir))
}

export function readCacheHeader(dir: string): CacheHeader | null {
  if (!existsSync(headerPath(dir))) return null
  try {
    const h = JSON.parse(readFileSync(headerPath(dir), 'utf8')) as CacheHeader
    return h.format === 'tokenscope-token-cache' && READABLE_VERSIONS.includes(h.version) ? h : null
  } catch {
    return null
  }
}

function payloadLayout(h: CacheHeader, n: number) {
  const N = h.grid.h * h.grid.w
  const pts = 8 * n
  const tokens = 2 * n * N * h.dim
  const cls = h.hasCls ? 2 * n * h.dim : 0
  const importance = h.importanceKind ? 4 * n * N : 0
  const P = h.embedDim ?? 0
  const frameEmbeds = h.hasFrameEmbeds ? 2 * n * P : 0
  const patchEmbeds = h.hasPatchEmbeds ? 2 * n * N * P : 0
  const used = pts + tokens + cls + importance + frameEmbeds + patchEmbeds
  return { N, P, pts, tokens, cls, importance, frameEmbeds, patchEmbeds, total: Math.ceil(used / 8) * 8 }
}

/** `length` bytes at `position` (fewer at the end of the file), into the start of `into` when given (it must be long enough). */
function readExactly(fd: number, length: number, position: number, into?: Uint8Array): Uint8Array {
  const buf = into ? into.subarray(0, length) : new Uint8Array(length)
  let got = 0
  while (got < length) {
    const r = readSync(fd, buf, got, length - got, position + got)
    if (r === 0) break
    got += r
  }
  return got === length ? buf : buf.subarray(0, got)
}

/** Scans chunk headers; returns the valid chunks and the byte offset where valid data ends. */
function scanChunks(fd: number, header: CacheHeader, checkTail = true): { chunks: ChunkEntry[]; end: number } {
  const size = fstatSync(fd).size
  const chunks: ChunkEntry[] = []
  let offset = 0
  let nextFrame = 0
  while (offset + CHUNK_HEADER_BYTES <= size) {
    const hb = readExactly(fd, CHUNK_HEADER_BYTES, offset)
    const view = new DataView(hb.buffer, hb.byteOffset, hb.byteLength)
    const magic = view.getUint32(0, true)
    const firstFrame = view.getUint32(4, true)
    const frameCount = view.getUint32(8, true)
    const payloadBytes = view.getUint32(12, true)
    const crc = view.getUint32(16, true)
    const expected = payloadLayout(header, frameCount).total
    if (magic !== CHUNK_MAGIC || firstFrame !== nextFrame || frameCount === 0 || payloadBytes !== expected) break
    if (offset + CHUNK_HEADER_BYTES + payloadBytes > size) break
    chunks.push({ offset, firstFrame, frameCount, payloadBytes, crc })
    offset += CHUNK_HEADER_BYTES + payloadBytes
    nextFrame += frameCount
  }
  // A crash can leave the last chunk's header and length whole but its bytes partly unwritten
  // (the OS flushes out of order): check its CRC, and drop it when it does not match.
  const last = chunks.at(-1)
  if (checkTail && last && crc32(readExactly(fd, last.payloadBytes, last.offset + CHUNK_HEADER_BYTES)) !== last.crc) {
    chunks.pop()
    offset = last.offset
  }
  return { chunks, end: offset }
}

/**
 * Opens the cache in `dir`, creating it with `init` when there is none (or when the stored one
 * is for something else: a different format version, grid or dim). Repairs a torn tail.
 */
export function openTokenCache(dir: string, init: Omit<CacheHeader, 'format' | 'version' | 'complete'>): TokenCache {
  mkdirSync(dir, { recursive: true })
  let header = readCacheHeader(dir)
  const compatible =
    header &&
    header.fingerprint === init.fingerprint &&
    header.modelId === init.modelId &&
    header.grid.h === init.grid.h &&
    header.grid.w === init.grid.w &&
    header.dim === init.dim &&
    header.hasCls === init.hasCls &&
    header.importanceKind === init.importanceKind &&
    header.embedDim === init.embedDim &&
    Boolean(header.hasFrameEmbeds) === Boolean(init.hasFrameEmbeds) &&
    Boolean(header.hasPatchEmbeds) === Boolean(init.hasPatchEmbeds)
  if (!header || !compatible) {
    header = { format: 'tokenscope-token-cache', version: CACHE_FORMAT_VERSION, ...init, complete: false }
    writeFileSync(dataPath(dir), new Uint8Array(0))
    writeHeader(dir, header)
  }
  return openExisting(dir, header)
}

/**
 * Opens an existing cache (repairs a torn tail); null when there is none. With `readOnly` it
 * never writes: a reader beside a running analysis (a method worker streaming frames) sees the
 * whole chunks there are and leaves a chunk being written alone.
 */
export function openTokenCacheIfExists(dir: string, opts: { readOnly?: boolean } = {}): TokenCache | null {
  const header = readCacheHeader(dir)
  if (!header || !existsSync(dataPath(dir))) return null
  return openExisting(dir, header, opts.readOnly ?? false)
}

function openExisting(dir: string, initialHeader: CacheHeader, readOnly = false): TokenCache {
  let header = initialHeader
  const fd = openSync(dataPath(dir), readOnly ? 'r' : 'r+')
  const size = fstatSync(fd).size
  // A reader leaves the tail to the writer: every chunk it reads is checked against its CRC anyway.
  const { chunks, end } = scanChunks(fd, header, !readOnly)
  const repairedBytes = readOnly ? 0 : size - end
  if (repairedBytes > 0) {
    ftruncateSync(fd, end)
    if (header.complete) {
      header = { ...header, complete: false }
      writeHeader(dir, header)
    }
  }
  let writeOffset = end
  let framesReady = chunks.reduce((s, c) => s + c.frameCount, 0)

  // Chunk payloads are read into one reused buffer: each is decoded into new arrays before the next read.
  let scratch = new Uint8Array(0)
  const readChunk = (c: ChunkEntry) => {
    if (scratch.length < c.payloadBytes) scratch = new Uint8Array(c.payloadBytes)
    const payload = readExactly(fd, c.payloadBytes, c.offset + CHUNK_HEADER_BYTES, scratch)
    if (payload.length !== c.payloadBytes || crc32(payload) !== c.crc) {
      throw new CacheCorruptError(`token cache chunk at byte ${c.offset} of ${dataPath(dir)} is corrupt; delete the folder to re-analyze`)
    }
    return payload
  }

  return {
    dir,
    get header() {
      return header
    },
    get framesReady() {
      return framesReady
    },
    repairedBytes,

    append(batch) {
      const n = batch.pts.length
      const lay = payloadLayout(header, n)
      if (batch.tokens.length !== n * lay.N * header.dim) throw new Error(`append: tokens has ${batch.tokens.length} values, expected ${n}×${lay.N}×${header.dim}`)
      const payload = new Uint8Array(lay.total)
      let at = 0
      payload.set(new Uint8Array(batch.pts.buffer, batch.pts.byteOffset, lay.pts), at)
      at += lay.pts
      const half = encodeHalf(batch.tokens)
      payload.set(new Uint8Array(half.buffer, 0, lay.tokens), at)
      at += lay.tokens
      if (lay.cls) {
        if (!batch.cls) throw new Error('append: this cache stores class tokens, and the batch has none')
        payload.set(new Uint8Array(encodeHalf(batch.cls).buffer, 0, lay.cls), at)
        at += lay.cls
      }
      if (lay.importance) {
        if (!batch.importance) throw new Error('append: this cache stores importance, and the batch has none')
        payload.set(new Uint8Array(batch.importance.buffer, batch.importance.byteOffset, lay.importance), at)
        at += lay.importance
      }
      for (const [bytes, values, what] of [
        [lay.frameEmbeds, batch.frameEmbeds, 'frame embeddings'],
        [lay.patchEmbeds, batch.patchEmbeds, 'patch embeddings'],
      ] as const) {
        if (!bytes) continue
        if (!values) throw new Error(`append: this cache stores ${what}, and the batch has none`)
        payload.set(new Uint8Array(encodeHalf(values).buffer, 0, bytes), at)
        at += bytes
      }
      const head = new Uint8Array(CHUNK_HEADER_BYTES)
      const view = new DataView(head.buffer)
      view.setUint32(0, CHUNK_MAGIC, true)
      view.setUint32(4, framesReady, true)
      view.setUint32(8, n, true)
      view.setUint32(12, lay.total, true)
      view.setUint32(16, crc32(payload), true)
      writeSync(fd, head, 0, head.length, writeOffset)
      writeSync(fd, payload, 0, payload.length, writeOffset + CHUNK_HEADER_BYTES)
      chunks.push({ offset: writeOffset, firstFrame: framesReady, frameCount: n, payloadBytes: lay.total, crc: view.getUint32(16, true) })
      writeOffset += CHUNK_HEADER_BYTES + lay.total
      framesReady += n
    },

    markComplete(framesTotal) {
      fsyncSync(fd)
      header = { ...header, framesExpected: framesTotal, complete: true }
      writeHeader(dir, header)
    },

    read(start, count, opts) {
      const stop = Math.min(framesReady, start + count)
      const frames = Math.max(0, stop - start)
      const N = header.grid.h * header.grid.w
      const D = header.dim
      const clsD = header.hasCls ? D : 0
      const impN = header.importanceKind ? N : 0
      const P = header.embedDim ?? 0
      const frameP = header.hasFrameEmbeds ? P : 0
      const patchP = header.hasPatchEmbeds ? N * P : 0
      // One SharedArrayBuffer for every array, so method workers read the tokens without a copy.
      const widths = [N * D, clsD, impN, frameP, patchP]
      const bytes = 4 * frames * widths.reduce((a, b) => a + b, 0)
      const all = new Float32Array(opts?.shared === false ? new ArrayBuffer(bytes) : new SharedArrayBuffer(bytes))
      const [tokensAll, clsAll, impAll, frameAll, patchAll] = widths.map((_, i) => {
        const from = frames * widths.slice(0, i).reduce((a, b) => a + b, 0)
        return all.subarray(from, from + frames * widths[i])
      })
      const pts = new Float64Array(frames)
      for (const c of chunks) {
        const lo = Math.max(start, c.firstFrame)
        const hi = Math.min(stop, c.firstFrame + c.frameCount)
        if (lo >= hi) continue
        const payload = readChunk(c)
        const lay = payloadLayout(header, c.frameCount)
        const at = lo - c.firstFrame
        const n = hi - lo
        const section = (offset: number, bytes: number) => payload.buffer.slice(payload.byteOffset + offset, payload.byteOffset + offset + bytes)
        pts.set(new Float64Array(section(8 * at, 8 * n)), lo - start)
        const tokAt = lay.pts + 2 * at * N * D
        decodeHalf(new Uint16Array(payload.buffer, payload.byteOffset + tokAt, n * N * D), tokensAll.subarray((lo - start) * N * D, (hi - start) * N * D))
        if (clsD) {
          const clsAt = lay.pts + lay.tokens + 2 * at * D
          decodeHalf(new Uint16Array(payload.buffer, payload.byteOffset + clsAt, n * D), clsAll.subarray((lo - start) * D, (hi - start) * D))
        }
        if (impN) {
          const impAt = lay.pts + lay.tokens + lay.cls + 4 * at * N
          impAll.set(new Float32Array(section(impAt, 4 * n * N)), (lo - start) * N)
        }
        const halves = (offset: number, width: number, into: Float32Array) =>
          decodeHalf(new Uint16Array(payload.buffer, payload.byteOffset + offset + 2 * at * width, n * width), into.subarray((lo - start) * width, (hi - start) * width))
        const embedsAt = lay.pts + lay.tokens + lay.cls + lay.importance
        if (frameP) halves(embedsAt, frameP, frameAll)
        if (patchP) halves(embedsAt + lay.frameEmbeds, patchP, patchAll)
      }
      const perFrame = (arr: Float32Array, width: number) => Array.from({ length: frames }, (_, i) => arr.subarray(i * width, (i + 1) * width))
      return {
        modelId: header.modelId,
        grid: header.grid,
        dim: D,
        pts,
        tokens: perFrame(tokensAll, N * D),
        cls: clsD ? perFrame(clsAll, D) : undefined,
        importance: impN ? perFrame(impAll, N) : undefined,
        importanceKind: header.importanceKind,
        ...(P && (frameP || patchP)
          ? { embedDim: P, frameEmbeds: frameP ? perFrame(frameAll, frameP) : undefined, patchEmbeds: patchP ? perFrame(patchAll, patchP) : undefined }
          : {}),
      }
    },

    readPts() {
      const out = new Float64Array(framesReady)
      for (const c of chunks) {
        const bytes = readExactly(fd, 8 * c.frameCount, c.offset + CHUNK_HEADER_BYTES)
        out.set(new Float64Array(bytes.slice().buffer), c.firstFrame)
      }
      return out
    },

    close() {
      closeSync(fd)
    },
  }
}
