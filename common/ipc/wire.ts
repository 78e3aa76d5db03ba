/**
 * Binary framing of one message for the browser-mode WebSocket: JSON for the structure, raw
 * bytes for the numbers. Every typed array or ArrayBuffer anywhere in the value is replaced in
 * the JSON by a reference `{"$bin": [type, offset, length]}` to a section of the binary area.
 *
 * Layout of one frame (one ArrayBuffer):
 *   [0..4)   magic "TSW1"
 *   [4..8)   u32 LE byte length J of the UTF-8 JSON
 *   [8..8+J) JSON
 *   pad to a multiple of 8, then the binary area: sections, each starting 8-byte aligned.
 * `offset` is relative to the start of the binary area; `length` counts elements (bytes for an
 * ArrayBuffer). Decoding returns typed arrays as zero-copy views into the frame (ArrayBuffers are
 * sliced out, since an ArrayBuffer cannot be a view). Plain objects may not use the key `$bin`.
 * Node Buffers serialise through their own toJSON (as number arrays): send Uint8Arrays instead.
 */

const MAGIC = 0x31575354 // "TSW1" read as u32 LE
const HEADER = 8

const typedArrayTypes = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const

type TypedArrayName = keyof typeof typedArrayTypes
type BinaryName = TypedArrayName | 'ArrayBuffer'

export class WireError extends Error {
  override name = 'WireError'
}

const align8 = (n: number) => (n + 7) & ~7

const typedArrayName = (v: ArrayBufferView): TypedArrayName | undefined => {
  for (const name of Object.keys(typedArrayTypes) as TypedArrayName[]) if (v instanceof typedArrayTypes[name]) return name
  return undefined
}

/** Encodes `message` (JSON-able values, typed arrays and ArrayBuffers, nested anywhere) as one frame. */
export function encodeFrame(message: unknown): ArrayBuffer {
  const sections: Uint8Array[] = []
  let binaryBytes = 0
  const json = JSON.stringify(message, function (_key, value: unknown) {
    let bytes: Uint8Array
    let type: BinaryName
    let length: number
    if (value instanceof ArrayBuffer) {
      bytes = new Uint8Array(value)
      type = 'ArrayBuffer'
      length = value.byteLength
    } else if (ArrayBuffer.isView(value)) {
      const name = typedArrayName(value)
      if (!name) throw new WireError(`cannot send a ${value.constructor.name} (only typed arrays and ArrayBuffers)`)
      bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      type = name
      length = (value as unknown as { length: number }).length
    } else {
      if (typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '$bin')) {
        throw new WireError("the key '$bin' is reserved by the wire format")
      }
      return value
    }
    const offset = binaryBytes
    sections.push(bytes)
    binaryBytes = align8(offset + bytes.byteLength)
    return { $bin: [type, offset, length] }
  })
  const jsonBytes = new TextEncoder().encode(json ?? 'null')
  const base = align8(HEADER + jsonBytes.byteLength)
  const out = new Uint8Array(base + binaryBytes)
  const head = new DataView(out.buffer)
  head.setUint32(0, MAGIC, true)
  head.setUint32(4, jsonBytes.byteLength, true)
  out.set(jsonBytes, HEADER)
  let at = base
  for (const s of sections) {
    out.set(s, at)
    at = align8(at + s.byteLength)
  }
  return out.buffer
}

/** Decodes a frame made by `encodeFrame`; throws WireError on anything malformed. */
export function decodeFrame(frame: ArrayBuffer | Uint8Array): unknown {
  // Views must be 8-byte aligned in their buffer: take a view's buffer only when it is exactly
  // the frame, else copy (`new Uint8Array(view)` copies; Node's Buffer#slice would not).
  const buffer = frame instanceof ArrayBuffer ? frame : frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? (frame.buffer as ArrayBuffer) : new Uint8Array(frame).buffer
  if (buffer.byteLength < HEADER) throw new WireError('frame too short')
  const head = new DataView(buffer)
  if (head.getUint32(0, true) !== MAGIC) throw new WireError('not a TokenScope frame (bad magic)')
  const jsonLength = head.getUint32(4, true)
  if (HEADER + jsonLength > buffer.byteLength) throw new WireError('JSON length runs past the end of the frame')
  const base = align8(HEADER + jsonLength)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buffer, HEADER, jsonLength))
  } catch {
    throw new WireError('JSON part is not valid UTF-8')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text, (_key, value: unknown) => (isRef(value) ? section(buffer, base, value.$bin) : value))
  } catch (e) {
    if (e instanceof WireError) throw e
    throw new WireError(`JSON part does not parse: ${(e as Error).message}`)
  }
  return parsed
}

const isRef = (v: unknown): v is { $bin: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, '$bin')

function section(buffer: ArrayBuffer, base: number, ref: unknown): ArrayBuffer | ArrayBufferView {
  if (!Array.isArray(ref) || ref.length !== 3) throw new WireError('bad binary reference')
  const [type, offset, length] = ref as [unknown, unknown, unknown]
  if (typeof type !== 'string' || !(type === 'ArrayBuffer' || Object.prototype.hasOwnProperty.call(typedArrayTypes, type))) throw new WireError(`unknown binary type ${String(type)}`)
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || (offset as number) < 0 || (length as number) < 0 || (offset as number) % 8 !== 0) {
    throw new WireError('bad binary offset or length')
  }
  const start = base + (offset as number)
  if (type === 'ArrayBuffer') {
    if (start + (length as number) > buffer.byteLength) throw new WireError('binary section runs past the end of the frame')
    return buffer.slice(start, start + (length as number))
  }
  const Ctor = typedArrayTypes[type as TypedArrayName]
  if (start + (length as number) * Ctor.BYTES_PER_ELEMENT > buffer.byteLength) throw new WireError('binary section runs past the end of the frame')
  return new Ctor(buffer, start, length as number)
}
