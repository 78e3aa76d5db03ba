/**
 * What the two binary formats (the token map 'TSTM', token-map-codec.ts, and the method result
 * 'TSMR', method-result-codec.ts) share: a 4-byte magic, little-endian numbers, sections that start
 * 4-byte aligned, and the checks a decoder runs before it reads a section. Every check throws
 * CodecError rather than let a decoder mis-read a damaged buffer.
 */

export class CodecError extends Error {
  override name = 'CodecError'
}

export const align4 = (n: number) => (n + 3) & ~3

/** Host byte order: views are only zero-copy on little-endian hosts (all current ones). */
export const hostLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

export function writeMagic(view: DataView, magic: string): void {
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

type Wide = Int32Array | Float32Array | Uint16Array | Uint32Array
type Ctor<A> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): A; BYTES_PER_ELEMENT: number }
type Getter = 'getInt32' | 'getFloat32' | 'getUint16' | 'getUint32'
type Setter = 'setInt32' | 'setFloat32' | 'setUint16' | 'setUint32'

/** A typed array of `count` elements at `offset` of `bytes`: a view on little-endian hosts, else a byte-swapped copy. */
export function readArray<A extends Wide>(bytes: Uint8Array, offset: number, count: number, ctor: Ctor<A>, getter: Getter): A {
  if (hostLittleEndian) return new ctor(bytes.buffer, bytes.byteOffset + offset, count)
  const size = ctor.BYTES_PER_ELEMENT
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size)
  const out = new ctor(new ArrayBuffer(count * size), 0, count)
  for (let i = 0; i < count; i++) out[i] = view[getter](i * size, true)
  return out
}

export function writeArray(target: DataView, offset: number, src: Wide): void {
  if (hostLittleEndian) {
    new Uint8Array(target.buffer, target.byteOffset + offset, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength))
    return
  }
  const setter: Setter = src instanceof Int32Array ? 'setInt32' : src instanceof Float32Array ? 'setFloat32' : src instanceof Uint16Array ? 'setUint16' : 'setUint32'
  const size = src.BYTES_PER_ELEMENT
  for (let i = 0; i < src.length; i++) target[setter](offset + i * size, src[i], true)
}

/** The input as aligned bytes and a view over them, once it is at least `minHeader` bytes and starts with `magic`. */
export function openContainer(buf: ArrayBuffer | Uint8Array, what: string, magic: string, minHeader: number): { bytes: Uint8Array; total: number; view: DataView } {
  const bytes = asAlignedBytes(buf)
  const total = bytes.byteLength
  if (total < minHeader) throw new CodecError(`${what}: ${total} bytes is shorter than the ${minHeader}-byte header`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, total)
  const found = readMagic(view)
  if (found !== magic) throw new CodecError(`${what}: bad magic '${found}' (expected '${magic}')`)
  return { bytes, total, view }
}

/** The header length (bytes 8–11; sections start at or after it), checked to lie in [minHeader, buffer length]. */
export function readHeaderLength(view: DataView, what: string, minHeader: number): number {
  const headerLength = view.getUint32(8, true)
  if (headerLength < minHeader || headerLength > view.byteLength) throw new CodecError(`${what}: header length ${headerLength} is out of range [${minHeader}, ${view.byteLength}]`)
  return headerLength
}

/** Checks an (offset, length) section lies 4-aligned inside [headerLength, total) and has the expected size. */
export function checkSection(name: string, offset: number, length: number, expected: number, headerLength: number, total: number): void {
  if (length !== expected) throw new CodecError(`${name}: byte length ${length} does not match the header's counts (expected ${expected})`)
  if (offset % 4 !== 0) throw new CodecError(`${name}: offset ${offset} is not 4-byte aligned`)
  if (offset < headerLength) throw new CodecError(`${name}: offset ${offset} overlaps the ${headerLength}-byte header`)
  if (offset + length > total) throw new CodecError(`${name}: needs bytes [${offset}, ${offset + length}) but the buffer has ${total} (truncated?)`)
}

/** Rejects sections that share bytes: a corrupt offset pointing into another array would otherwise be read as valid data. */
export function checkDisjoint(what: string, sections: [string, number, number][]): void {
  const sorted = [...sections].filter(([, , len]) => len > 0).sort((a, b) => a[1] - b[1])
  for (let i = 1; i < sorted.length; i++) {
    const [prev, off, len] = sorted[i - 1]
    if (off + len > sorted[i][1]) throw new CodecError(`${what}: sections ${prev} and ${sorted[i][0]} overlap`)
  }
}
