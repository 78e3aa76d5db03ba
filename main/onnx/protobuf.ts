/**
 * Protocol Buffers wire format, write side only: just what an ONNX ModelProto needs.
 *
 * A message is written as a list of encoded fields; a nested message is a length-delimited field
 * whose payload is the concatenation of its own fields. Field order is free in protobuf, so callers
 * simply list fields. Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
 */

export type Bytes = Uint8Array

const utf8 = new TextEncoder()

/** Unsigned LEB128 of a non-negative value; a negative int64 is written as its 64-bit two's complement (10 bytes). */
export function varint(value: number | bigint): Bytes {
  if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff && Number.isInteger(value)) {
    const out: number[] = []
    let v = value
    while (v > 0x7f) {
      out.push((v & 0x7f) | 0x80)
      v >>>= 7
    }
    out.push(v)
    return Uint8Array.from(out)
  }
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`varint: not an integer: ${value}`)
  let v = BigInt.asUintN(64, BigInt(value))
  const out: number[] = []
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Uint8Array.from(out)
}

export function concat(parts: readonly Bytes[]): Bytes {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const tag = (field: number, wireType: number): Bytes => varint(field * 8 + wireType)

/** An integer field (int32, int64, enum): wire type 0. */
export const intField = (field: number, value: number | bigint): Bytes => concat([tag(field, 0), varint(value)])

/** A bytes / string / embedded message field: wire type 2. */
export const bytesField = (field: number, payload: Bytes): Bytes => concat([tag(field, 2), varint(payload.length), payload])

export const stringField = (field: number, value: string): Bytes => bytesField(field, utf8.encode(value))

/** An embedded message given as its already-encoded fields. */
export const messageField = (field: number, fields: readonly Bytes[]): Bytes => bytesField(field, concat(fields))

/** A single `float` field: wire type 5, little-endian IEEE 754. */
export function floatField(field: number, value: number): Bytes {
  const payload = new Uint8Array(4)
  new DataView(payload.buffer).setFloat32(0, value, true)
  return concat([tag(field, 5), payload])
}

/** The little-endian bytes of a typed array (a view, no copy, on little-endian hosts). */
export function littleEndianBytes(data: Float32Array | BigInt64Array | Int32Array): Bytes {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) return bytes
  // Big-endian host: swap each element.
  const out = new Uint8Array(bytes.length)
  const w = data.BYTES_PER_ELEMENT
  for (let i = 0; i < bytes.length; i += w) for (let k = 0; k < w; k++) out[i + k] = bytes[i + w - 1 - k]
  return out
}
