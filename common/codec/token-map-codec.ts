import type { TokenMap } from '../token-map'
import type { MethodReport } from '../compression/types'

/**
 * Binary codec for TokenMap and for a method's result (map + report + optional features): the
 * unit sent over IPC to the renderer and written by the CLI's --out.
 *
 * TokenMap layout (little-endian always; every array starts 4-byte aligned so `decode` can make
 * zero-copy typed-array views on the received buffer):
 *
 *   off  size  field
 *   0    4     magic 'TSTM'
 *   4    2     version (u16) = 1
 *   6    2     reserved (u16) = 0
 *   8    4     header length in bytes (u32) = 64; arrays start at or after it
 *   12   4     grid h (u32)
 *   16   4     grid w (u32)
 *   20   4     T, frame count (u32)
 *   24   4     N, patches per frame (u32) = h*w
 *   28   4     M, output tokens (u32)
 *   32   8     keptFrames  offset, byte length (u32 ×2)  Uint8[T]
 *   40   8     groups      offset, byte length            Int32[T*N]
 *   48   8     tokenSizes  offset, byte length            Float32[M]
 *   56   8     tokenFrame  offset, byte length            Int32[M]
 *
 * MethodResult layout ('TSMR'): a 40-byte header, then the encoded TokenMap, the report as UTF-8
 * JSON, and the features Float32[M*D] (absent when D = 0), each 4-byte aligned:
 *
 *   0 magic 'TSMR' · 4 version u16 = 1 · 6 reserved u16 · 8 header length u32 = 40 · 12 D u32 ·
 *   16/20 map offset, length · 24/28 report offset, length · 32/36 features offset, length
 *
 * Decoding checks everything it reads (magic, version, lengths against T/N/M and the buffer, ids
 * in range) and throws `CodecError` rather than returning a mis-read map.
 */

export class CodecError extends Error {
  override name = 'CodecError'
}

const MAP_MAGIC = 'TSTM'
const RESULT_MAGIC = 'TSMR'
export const TOKEN_MAP_CODEC_VERSION = 1
const MAP_HEADER = 64
const RESULT_HEADER = 40

const align4 = (n: number) => (n + 3) & ~3

/** Host byte order: views are only zero-copy on little-endian hosts (all current ones). */
const hostLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

function writeMagic(view: DataView, magic: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(i, magic.charCodeAt(i))
}

function readMagic(view: DataView): string {
  return String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3))
}

/** A Uint8Array over the whole input, copied to a fresh buffer when it does not start 4-byte aligned. */
function asAlignedBytes(buf: ArrayBuffer | Uint8Array): Uint8Array {
  if (!(buf instanceof Uint8Array)) return new Uint8Array(buf)
  return buf.byteOffset % 4 === 0 ? buf : buf.slice()
}

type Ctor<A> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): A; BYTES_PER_ELEMENT: number }

/** A typed array of `count` elements at `offset` of `bytes`: a view on little-endian hosts, else a byte-swapped copy. */
function readArray<A extends Int32Array | Float32Array>(bytes: Uint8Array, offset: number, count: number, ctor: Ctor<A>, getter: 'getInt32' | 'getFloat32'): A {
  if (hostLittleEndian) return new ctor(bytes.buffer, bytes.byteOffset + offset, count)
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4)
  const out = new ctor(new ArrayBuffer(count * 4), 0, count)
  for (let i = 0; i < count; i++) out[i] = view[getter](i * 4, true)
  return out
}

function writeArray(target: DataView, offset: number, src: Int32Array | Float32Array): void {
  if (hostLittleEndian) {
    new Uint8Array(target.buffer, target.byteOffset + offset, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength))
    return
  }
  const setter = src instanceof Int32Array ? 'setInt32' : 'setFloat32'
  for (let i = 0; i < src.length; i++) target[setter](offset + i * 4, src[i], true)
}

/** Checks an (offset, length) section lies 4-aligned inside [headerLength, total) and has the expected size. */
function checkSection(name: string, offset: number, length: number, expected: number, headerLength: number, total: number): void {
  if (length !== expected) throw new CodecError(`${name}: byte length ${length} does not match the header's counts (expected ${expected})`)
  if (offset % 4 !== 0) throw new CodecError(`${name}: offset ${offset} is not 4-byte aligned`)
  if (offset < headerLength) throw new CodecError(`${name}: offset ${offset} overlaps the ${headerLength}-byte header`)
  if (offset + length > total) throw new CodecError(`${name}: needs bytes [${offset}, ${offset + length}) but the buffer has ${total} (truncated?)`)
}

/** Rejects sections that share bytes: a corrupt offset pointing into another array would otherwise be read as valid data. */
function checkDisjoint(what: string, sections: [string, number, number][]): void {
  const sorted = [...sections].filter(([, , len]) => len > 0).sort((a, b) => a[1] - b[1])
  for (let i = 1; i < sorted.length; i++) {
    const [prev, off, len] = sorted[i - 1]
    if (off + len > sorted[i][1]) throw new CodecError(`${what}: sections ${prev} and ${sorted[i][0]} overlap`)
  }
}

/** The byte size `encodeTokenMap(map)` produces. */
export function encodedTokenMapSize(map: TokenMap): number {
  const t = map.frameCount
  const m = map.tokenSizes.length
  return MAP_HEADER + align4(t) + 4 * map.groups.length + 8 * m
}

function encodeTokenMapInto(map: TokenMap, view: DataView): void {
  const { h, w } = map.grid
  const t = map.frameCount
  const n = h * w
  const m = map.tokenSizes.length
  if (map.keptFrames.length !== t || map.groups.length !== t * n || map.tokenFrame.length !== m) {
    throw new CodecError(`TokenMap arrays do not match T=${t}, N=${n}, M=${m}`)
  }
  writeMagic(view, MAP_MAGIC)
  view.setUint16(4, TOKEN_MAP_CODEC_VERSION, true)
  view.setUint16(6, 0, true)
  view.setUint32(8, MAP_HEADER, true)
  view.setUint32(12, h, true)
  view.setUint32(16, w, true)
  view.setUint32(20, t, true)
  view.setUint32(24, n, true)
  view.setUint32(28, m, true)
  const kept = MAP_HEADER
  const groups = kept + align4(t)
  const sizes = groups + 4 * t * n
  const frames = sizes + 4 * m
  const sections: [number, number][] = [[kept, t], [groups, 4 * t * n], [sizes, 4 * m], [frames, 4 * m]]
  sections.forEach(([off, len], i) => {
    view.setUint32(32 + 8 * i, off, true)
    view.setUint32(36 + 8 * i, len, true)
  })
  new Uint8Array(view.buffer, view.byteOffset + kept, t).set(map.keptFrames)
  writeArray(view, groups, map.groups)
  writeArray(view, sizes, map.tokenSizes)
  writeArray(view, frames, map.tokenFrame)
}

/** TokenMap → one ArrayBuffer (layout above). */
export function encodeTokenMap(map: TokenMap): ArrayBuffer {
  const out = new ArrayBuffer(encodedTokenMapSize(map))
  encodeTokenMapInto(map, new DataView(out))
  return out
}

/**
 * ArrayBuffer (or a Uint8Array slice of one) → TokenMap whose arrays view the input's memory
 * (copied only when the input is not 4-byte aligned or the host is big-endian).
 * Throws CodecError on anything malformed.
 */
export function decodeTokenMap(buf: ArrayBuffer | Uint8Array): TokenMap {
  const bytes = asAlignedBytes(buf)
  const total = bytes.byteLength
  if (total < MAP_HEADER) throw new CodecError(`token map: ${total} bytes is shorter than the ${MAP_HEADER}-byte header`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, total)
  const magic = readMagic(view)
  if (magic !== MAP_MAGIC) throw new CodecError(`token map: bad magic '${magic}' (expected '${MAP_MAGIC}')`)
  const version = view.getUint16(4, true)
  if (version !== TOKEN_MAP_CODEC_VERSION) throw new CodecError(`token map: unsupported version ${version} (this build reads ${TOKEN_MAP_CODEC_VERSION})`)
  const headerLength = view.getUint32(8, true)
  if (headerLength < MAP_HEADER || headerLength > total) throw new CodecError(`token map: header length ${headerLength} is out of range [${MAP_HEADER}, ${total}]`)
  const h = view.getUint32(12, true)
  const w = view.getUint32(16, true)
  const t = view.getUint32(20, true)
  const n = view.getUint32(24, true)
  const m = view.getUint32(28, true)
  if (h * w !== n) throw new CodecError(`token map: N=${n} is not grid ${h}×${w}`)
  const section = (i: number) => [view.getUint32(32 + 8 * i, true), view.getUint32(36 + 8 * i, true)]
  const [keptOff, keptLen] = section(0)
  const [groupsOff, groupsLen] = section(1)
  const [sizesOff, sizesLen] = section(2)
  const [framesOff, framesLen] = section(3)
  // Plain numbers (doubles) here: T*N*4 cannot overflow before it is compared with the buffer size.
  checkSection('keptFrames', keptOff, keptLen, t, headerLength, total)
  checkSection('groups', groupsOff, groupsLen, 4 * t * n, headerLength, total)
  checkSection('tokenSizes', sizesOff, sizesLen, 4 * m, headerLength, total)
  checkSection('tokenFrame', framesOff, framesLen, 4 * m, headerLength, total)
  checkDisjoint('token map', [['keptFrames', keptOff, keptLen], ['groups', groupsOff, groupsLen], ['tokenSizes', sizesOff, sizesLen], ['tokenFrame', framesOff, framesLen]])

  const keptFrames = new Uint8Array(bytes.buffer, bytes.byteOffset + keptOff, t)
  const groups = readArray(bytes, groupsOff, t * n, Int32Array, 'getInt32')
  const tokenSizes = readArray(bytes, sizesOff, m, Float32Array, 'getFloat32')
  const tokenFrame = readArray(bytes, framesOff, m, Int32Array, 'getInt32')
  for (let i = 0; i < t; i++) {
    if (keptFrames[i] > 1) throw new CodecError(`token map: keptFrames[${i}] = ${keptFrames[i]} is not 0 or 1`)
  }
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]
    if (g < -1 || g >= m) throw new CodecError(`token map: group id ${g} at patch ${i} is out of range [-1, ${m})`)
  }
  for (let j = 0; j < m; j++) {
    if (tokenFrame[j] < 0 || tokenFrame[j] >= t) throw new CodecError(`token map: tokenFrame[${j}] = ${tokenFrame[j]} is out of range [0, ${t})`)
    if (!(tokenSizes[j] >= 0) || !Number.isFinite(tokenSizes[j])) throw new CodecError(`token map: tokenSizes[${j}] = ${tokenSizes[j]} is not a finite size`)
  }
  return { grid: { h, w }, frameCount: t, keptFrames, groups, tokenSizes, tokenFrame }
}

/** What crosses IPC / goes to --out for one method run. `features` is [M, D] when present. */
export interface EncodedMethodResult {
  map: TokenMap
  report: MethodReport
  features?: Float32Array
}

/** { map, report, features? } → one ArrayBuffer ('TSMR' layout above). */
export function encodeMethodResult(result: EncodedMethodResult): ArrayBuffer {
  const m = result.map.tokenSizes.length
  const features = result.features
  let dim = 0
  if (features && features.length > 0) {
    if (m === 0 || features.length % m !== 0) throw new CodecError(`features length ${features.length} is not M=${m} rows`)
    dim = features.length / m
  }
  const mapSize = encodedTokenMapSize(result.map)
  const json = new TextEncoder().encode(JSON.stringify(result.report))
  const mapOff = RESULT_HEADER
  const reportOff = mapOff + align4(mapSize)
  const featuresOff = reportOff + align4(json.length)
  const featuresLen = dim > 0 ? 4 * m * dim : 0
  const out = new ArrayBuffer(featuresOff + featuresLen)
  const view = new DataView(out)
  writeMagic(view, RESULT_MAGIC)
  view.setUint16(4, TOKEN_MAP_CODEC_VERSION, true)
  view.setUint32(8, RESULT_HEADER, true)
  view.setUint32(12, dim, true)
  const sections = [[mapOff, mapSize], [reportOff, json.length], [featuresOff, featuresLen]]
  sections.forEach(([off, len], i) => {
    view.setUint32(16 + 8 * i, off, true)
    view.setUint32(20 + 8 * i, len, true)
  })
  encodeTokenMapInto(result.map, new DataView(out, mapOff, mapSize))
  new Uint8Array(out, reportOff, json.length).set(json)
  if (features && dim > 0) writeArray(view, featuresOff, features)
  return out
}

function checkReport(value: unknown, frameCount: number): MethodReport {
  const r = value as MethodReport
  const ok =
    typeof r === 'object' && r !== null &&
    Number.isFinite(r.budgetTokens) && Number.isFinite(r.tokensOut) &&
    typeof r.derived === 'object' && r.derived !== null && !Array.isArray(r.derived) &&
    Array.isArray(r.notes) && r.notes.every((s) => typeof s === 'string')
  if (!ok) throw new CodecError('method result: report is not a MethodReport')
  const k = r.keyframes
  if (k !== undefined && !(Array.isArray(k) && k.every((t) => Number.isInteger(t) && t >= 0 && t < frameCount))) {
    throw new CodecError(`method result: report.keyframes must be frame indices in [0, ${frameCount})`)
  }
  return r
}

/** Inverse of encodeMethodResult; throws CodecError on anything malformed. */
export function decodeMethodResult(buf: ArrayBuffer | Uint8Array): EncodedMethodResult {
  const bytes = asAlignedBytes(buf)
  const total = bytes.byteLength
  if (total < RESULT_HEADER) throw new CodecError(`method result: ${total} bytes is shorter than the ${RESULT_HEADER}-byte header`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, total)
  const magic = readMagic(view)
  if (magic !== RESULT_MAGIC) throw new CodecError(`method result: bad magic '${magic}' (expected '${RESULT_MAGIC}')`)
  const version = view.getUint16(4, true)
  if (version !== TOKEN_MAP_CODEC_VERSION) throw new CodecError(`method result: unsupported version ${version} (this build reads ${TOKEN_MAP_CODEC_VERSION})`)
  const headerLength = view.getUint32(8, true)
  if (headerLength < RESULT_HEADER || headerLength > total) throw new CodecError(`method result: header length ${headerLength} is out of range [${RESULT_HEADER}, ${total}]`)
  const dim = view.getUint32(12, true)
  const section = (i: number) => [view.getUint32(16 + 8 * i, true), view.getUint32(20 + 8 * i, true)]
  const [mapOff, mapLen] = section(0)
  const [reportOff, reportLen] = section(1)
  const [featuresOff, featuresLen] = section(2)
  checkSection('map', mapOff, mapLen, mapLen, headerLength, total)
  checkSection('report', reportOff, reportLen, reportLen, headerLength, total)
  const map = decodeTokenMap(bytes.subarray(mapOff, mapOff + mapLen))
  const m = map.tokenSizes.length
  checkSection('features', featuresOff, featuresLen, 4 * m * dim, headerLength, total)
  checkDisjoint('method result', [['map', mapOff, mapLen], ['report', reportOff, reportLen], ['features', featuresOff, featuresLen]])
  let report: MethodReport
  try {
    report = checkReport(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(reportOff, reportOff + reportLen))), map.frameCount)
  } catch (e) {
    if (e instanceof CodecError) throw e
    throw new CodecError(`method result: report is not valid UTF-8 JSON (${(e as Error).message})`)
  }
  const features = dim > 0 ? readArray(bytes, featuresOff, m * dim, Float32Array, 'getFloat32') : undefined
  return { map, report, features }
}
