import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame, WireError } from './wire'

describe('wire frames', () => {
  it('round-trips nested typed arrays, ArrayBuffers and plain JSON', () => {
    const map = new Uint8Array([1, 2, 3, 4, 5]).buffer
    const message = {
      id: 7,
      ok: true,
      result: {
        name: 'tome',
        list: [new Float64Array([0, 1 / 3, 2.5]), { deep: new Int32Array([-1, 0, 5]) }],
        map,
        frameShare: new Float32Array([0.25, 0.5]),
        empty: new Uint16Array(0),
        odd: new Uint8Array([9, 8, 7]),
        nothing: null,
      },
    }
    const frame = encodeFrame(message)
    const back = decodeFrame(frame) as typeof message
    expect(back.id).toBe(7)
    expect(back.result.name).toBe('tome')
    expect(back.result.list[0]).toBeInstanceOf(Float64Array)
    expect(Array.from(back.result.list[0] as Float64Array)).toEqual([0, 1 / 3, 2.5])
    expect(Array.from((back.result.list[1] as { deep: Int32Array }).deep)).toEqual([-1, 0, 5])
    expect(back.result.map).toBeInstanceOf(ArrayBuffer)
    expect(Array.from(new Uint8Array(back.result.map))).toEqual([1, 2, 3, 4, 5])
    expect(Array.from(back.result.frameShare)).toEqual([0.25, 0.5])
    expect(back.result.empty).toBeInstanceOf(Uint16Array)
    expect(back.result.empty.length).toBe(0)
    expect(Array.from(back.result.odd)).toEqual([9, 8, 7])
    expect(back.result.nothing).toBeNull()
  })

  it('decodes typed arrays as views into the frame (zero copy), 8-byte aligned', () => {
    const frame = encodeFrame({ a: new Uint8Array([1, 2, 3]), b: new Float64Array([42]) })
    const back = decodeFrame(frame) as { a: Uint8Array; b: Float64Array }
    expect(back.a.buffer).toBe(frame)
    expect(back.b.buffer).toBe(frame)
    expect(back.b.byteOffset % 8).toBe(0)
    expect(back.b[0]).toBe(42)
  })

  it('encodes a sub-view of a larger buffer with only its own bytes', () => {
    const big = new Float32Array([1, 2, 3, 4, 5, 6])
    const back = decodeFrame(encodeFrame({ v: big.subarray(2, 4) })) as { v: Float32Array }
    expect(Array.from(back.v)).toEqual([3, 4])
  })

  it('accepts a Uint8Array holding the frame at an unaligned offset', () => {
    const frame = new Uint8Array(encodeFrame({ v: new Float64Array([1.5]) }))
    const shifted = new Uint8Array(frame.byteLength + 3)
    shifted.set(frame, 3)
    const back = decodeFrame(shifted.subarray(3)) as { v: Float64Array }
    expect(back.v[0]).toBe(1.5)
  })

  it('accepts a frame inside a larger pooled buffer (as Node sockets deliver it)', () => {
    const frame = new Uint8Array(encodeFrame({ v: new Float32Array([2.5, 3]) }))
    const pool = new Uint8Array(frame.byteLength + 16)
    pool.set(frame, 8)
    const back = decodeFrame(pool.subarray(8, 8 + frame.byteLength)) as { v: Float32Array }
    expect(Array.from(back.v)).toEqual([2.5, 3])
  })

  it('rejects the reserved key and unsupported views when encoding', () => {
    expect(() => encodeFrame({ $bin: 1 })).toThrow(WireError)
    expect(() => encodeFrame({ v: new DataView(new ArrayBuffer(4)) })).toThrow(WireError)
  })

  const withJson = (json: string, extra = 0) => {
    const bytes = new TextEncoder().encode(json)
    const out = new Uint8Array(((8 + bytes.length + 7) & ~7) + extra)
    const dv = new DataView(out.buffer)
    dv.setUint32(0, 0x31575354, true)
    dv.setUint32(4, bytes.length, true)
    out.set(bytes, 8)
    return out.buffer
  }

  it('rejects malformed frames', () => {
    expect(() => decodeFrame(new ArrayBuffer(4))).toThrow(/too short/)
    expect(() => decodeFrame(new Uint8Array(16).buffer)).toThrow(/magic/)
    const lying = new Uint8Array(withJson('{}'))
    new DataView(lying.buffer).setUint32(4, 1000, true)
    expect(() => decodeFrame(lying.buffer)).toThrow(/past the end/)
    expect(() => decodeFrame(withJson('{nope'))).toThrow(/does not parse/)
    expect(() => decodeFrame(withJson('{"a":{"$bin":["Float32Array",0,4]}}', 8))).toThrow(/past the end/)
    expect(() => decodeFrame(withJson('{"a":{"$bin":["Float32Array",4,1]}}', 16))).toThrow(/offset/)
    expect(() => decodeFrame(withJson('{"a":{"$bin":["DataView",0,1]}}', 8))).toThrow(/unknown binary type/)
    expect(() => decodeFrame(withJson('{"a":{"$bin":["Uint8Array",-8,1]}}', 8))).toThrow(/offset/)
    expect(() => decodeFrame(withJson('{"a":{"$bin":"x"}}'))).toThrow(/reference/)
    // a well-formed hand-made frame decodes
    expect(Array.from((decodeFrame(withJson('{"a":{"$bin":["Float32Array",0,2]}}', 8)) as { a: Float32Array }).a)).toEqual([0, 0])
  })
})
