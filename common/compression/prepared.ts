/**
 * Prepared data (types.ts Prepared) of many frames packed into a few flat arrays, so it can be
 * kept per video and model, counted in bytes, and handed to workers in shared memory: per key one
 * data array with per-frame offsets, per numeric key one value per frame.
 */
import type { Prepared } from './types'

type Data = Exclude<Prepared[string], number>
type DataCtor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): Data; BYTES_PER_ELEMENT: number; name: string }

const CTORS: Record<string, DataCtor> = { Int32Array, Uint16Array, Uint8Array, Float32Array, Float64Array } as unknown as Record<string, DataCtor>

/** Frames [from, from + has.length) of one run's prepared data. */
export interface PackedPrepared {
  from: number
  /** [F] 1 where the frame has prepared data. */
  has: Uint8Array
  arrays: Record<string, { type: string; offsets: Int32Array; data: Data }>
  numbers: Record<string, Float64Array>
}

/** Packs per-frame prepared data of frames from, from+1, … (undefined = none), into shared memory when `shared`. */
export function packPrepared(from: number, frames: (Prepared | undefined)[], shared = false): PackedPrepared {
  const first = frames.find((p) => p)
  const has = Uint8Array.from(frames, (p) => (p ? 1 : 0))
  const arrays: PackedPrepared['arrays'] = {}
  const numbers: PackedPrepared['numbers'] = {}
  const alloc = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes))
  for (const [key, sample] of Object.entries(first ?? {})) {
    if (typeof sample === 'number') {
      const values = new Float64Array(alloc(8 * frames.length))
      frames.forEach((p, i) => (values[i] = p ? (p[key] as number) : NaN))
      numbers[key] = values
      continue
    }
    const ctor = CTORS[sample.constructor.name]
    const offsets = new Int32Array(alloc(4 * (frames.length + 1)))
    frames.forEach((p, i) => (offsets[i + 1] = offsets[i] + (p ? (p[key] as Data).length : 0)))
    const data = new ctor(alloc(ctor.BYTES_PER_ELEMENT * offsets[frames.length]), 0, offsets[frames.length])
    frames.forEach((p, i) => p && data.set(p[key] as never, offsets[i]))
    arrays[key] = { type: ctor.name, offsets, data }
  }
  return { from, has, arrays, numbers }
}

/** Frame t's prepared data (views on the packed arrays), or undefined when it has none. */
export function preparedAt(packed: PackedPrepared, t: number): Prepared | undefined {
  if (!hasPrepared(packed, t)) return undefined
  const i = t - packed.from
  const out: Prepared = {}
  for (const key in packed.arrays) {
    const { offsets, data } = packed.arrays[key]
    out[key] = data.subarray(offsets[i], offsets[i + 1])
  }
  for (const key in packed.numbers) out[key] = packed.numbers[key][i]
  return out
}

/** Whether frame t has prepared data in the packing. */
export function hasPrepared(packed: PackedPrepared, t: number): boolean {
  const i = t - packed.from
  return i >= 0 && i < packed.has.length && packed.has[i] === 1
}

/** Parts (any frame ranges, later parts win) merged into one packing of frames [0, frames), in shared memory. */
export function mergePrepared(frames: number, parts: PackedPrepared[]): PackedPrepared {
  const all: (Prepared | undefined)[] = new Array(frames).fill(undefined)
  for (const part of parts) for (let i = 0; i < part.has.length; i++) if (part.has[i]) all[part.from + i] = preparedAt(part, part.from + i)
  return packPrepared(0, all, true)
}

/** Bytes the packing holds. */
export function preparedBytes(packed: PackedPrepared): number {
  let bytes = packed.has.byteLength
  for (const { offsets, data } of Object.values(packed.arrays)) bytes += offsets.byteLength + data.byteLength
  for (const values of Object.values(packed.numbers)) bytes += values.byteLength
  return bytes
}

/** The ArrayBuffers of a packing (to transfer it; shared memory is not transferred). */
export function preparedBuffers(packed: PackedPrepared): ArrayBufferLike[] {
  const views = [packed.has, ...Object.values(packed.arrays).flatMap((a) => [a.offsets, a.data]), ...Object.values(packed.numbers)]
  return views.map((v) => v.buffer)
}
