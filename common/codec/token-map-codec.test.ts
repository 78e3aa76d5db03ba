import { describe, expect, it } from 'vitest'
import { tokenMapFromLabels, type TokenMap } from '../token-map'
import { syntheticTokenMap } from '../bench/synthetic-token-map'
import { expectCodecError, sampleMap, uniqueFrame, withSizes } from '../../tests/support/token-maps'
import { CodecError } from './container'
import { TOKEN_MAP_CODEC_VERSION, decodeTokenMap, encodeTokenMap } from './token-map-codec'

/** Header bytes 64–71: how the arrays are stored. */
const layoutOf = (buf: ArrayBuffer) => {
  const view = new DataView(buf)
  return { groupsWidth: view.getUint8(64), sizesWidth: view.getUint8(65), framesLayout: view.getUint8(66), groupsBias: view.getInt32(68, true) }
}

/** sampleMap with its first token (patches 0, 1 and 10) placed at frame 2: tokenFrame is not non-decreasing. */
const misplacedMap = (): TokenMap => ({ ...sampleMap(), tokenFrame: Int32Array.from([2, 0, 2]) })

/** Asserts decode(encode(map)) gives back every field bit for bit (Object.is: -0 stays -0); returns the buffer. */
function expectRoundTrip(map: TokenMap): ArrayBuffer {
  const buf = encodeTokenMap(map)
  const back = decodeTokenMap(buf)
  const bits = (a: ArrayLike<number>) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v))
  expect(back.grid).toEqual(map.grid)
  expect(back.frameCount).toBe(map.frameCount)
  expect(back.keptFrames).toBeInstanceOf(Uint8Array)
  expect(back.groups).toBeInstanceOf(Int32Array)
  expect(back.tokenSizes).toBeInstanceOf(Float32Array)
  expect(back.tokenFrame).toBeInstanceOf(Int32Array)
  expect(bits(back.keptFrames)).toEqual(bits(map.keptFrames))
  expect(bits(back.groups)).toEqual(bits(map.groups))
  expect(bits(back.tokenSizes)).toEqual(bits(map.tokenSizes))
  expect(bits(back.tokenFrame)).toEqual(bits(map.tokenFrame))
  return buf
}

/** The version-1 layout (64-byte header, Int32 groups / Float32 sizes / Int32 tokenFrame), which v2 still reads. */
function encodeV1(map: TokenMap): ArrayBuffer {
  const arrays = [map.keptFrames, map.groups, map.tokenSizes, map.tokenFrame]
  let end = 64
  const sections = arrays.map((a) => {
    const off = (end + 3) & ~3
    end = off + a.byteLength
    return off
  })
  const out = new Uint8Array(end)
  const view = new DataView(out.buffer)
  out.set([...'TSTM'].map((c) => c.charCodeAt(0)))
  view.setUint16(4, 1, true)
  view.setUint32(8, 64, true)
  const { h, w } = map.grid
  ;[h, w, map.frameCount, h * w, map.tokenSizes.length].forEach((v, i) => view.setUint32(12 + 4 * i, v, true))
  arrays.forEach((a, i) => {
    view.setUint32(32 + 8 * i, sections[i], true)
    view.setUint32(36 + 8 * i, a.byteLength, true)
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), sections[i])
  })
  return out.buffer
}

describe('TokenMap codec', () => {
  it('round-trips every field', () => {
    const map = sampleMap()
    expect(Array.from(map.groups)).toEqual([0, 0, 1, -1, -1, -1, -1, -1, 2, -1, 0, -1])
    const back = decodeTokenMap(encodeTokenMap(map))
    expect(back.grid).toEqual({ h: 2, w: 2 })
    expect(back.frameCount).toBe(3)
    expect(Array.from(back.keptFrames)).toEqual([1, 0, 1])
    expect(Array.from(back.groups)).toEqual(Array.from(map.groups))
    expect(Array.from(back.tokenSizes)).toEqual([3, 1, 1])
    expect(Array.from(back.tokenFrame)).toEqual([0, 0, 2])
  })

  it('stores a temporal merge as a negative delta in Uint8, with counted sizes and per-frame counts', () => {
    // Frame 2's patch 2 goes into token 0 of frame 0: delta 0 - base[2] = -2, so the bias is -2.
    const buf = expectRoundTrip(sampleMap())
    expect(layoutOf(buf)).toEqual({ groupsWidth: 1, sizesWidth: 0, framesLayout: 0, groupsBias: -2 })
    const view = new DataView(buf)
    const groupsAt = view.getUint32(40, true)
    expect(Array.from(new Uint8Array(buf, groupsAt, 12))).toEqual([2, 2, 3, 255, 255, 255, 255, 255, 2, 255, 0, 255])
    expect(Array.from(new Uint16Array(buf.slice(view.getUint32(56, true), view.getUint32(56, true) + 6)))).toEqual([2, 0, 1])
  })

  it('shrinks an hour-like map with temporal merges to Uint8 deltas, losslessly', () => {
    const map = syntheticTokenMap(60)
    const buf = expectRoundTrip(map)
    expect(layoutOf(buf).groupsWidth).toBe(1)
    expect(layoutOf(buf).groupsBias).toBeLessThan(0)
    expect(buf.byteLength).toBeLessThan(map.groups.length + 2 * map.frameCount + 200)
  })

  it('picks Uint8 up to a delta span of 254, then Uint16 up to 65534, then absolute Int32', () => {
    expect(layoutOf(expectRoundTrip(uniqueFrame(15, 17))).groupsWidth).toBe(1) // 255 tokens: deltas 0..254
    expect(layoutOf(expectRoundTrip(uniqueFrame(16, 16))).groupsWidth).toBe(2) // 256 tokens: 255 is the sentinel
    expect(layoutOf(expectRoundTrip(uniqueFrame(5, 13107))).groupsWidth).toBe(2) // 65535 tokens: deltas 0..65534
    const wide = expectRoundTrip(uniqueFrame(256, 256)) // 65536 tokens
    expect(layoutOf(wide)).toEqual({ groupsWidth: 4, sizesWidth: 0, framesLayout: 1, groupsBias: 0 }) // 65536 tokens in one frame: Uint32 counts
    expect(layoutOf(expectRoundTrip(uniqueFrame(5, 13107))).framesLayout).toBe(0) // 65535 still fits Uint16
  })

  it('keeps Uint16 deltas for a long-range temporal merge (negative bias)', () => {
    // Frame 1's first patch joins frame 0's token 0: delta -300 against deltas up to 299.
    const labels = Int32Array.from({ length: 600 }, (_, i) => (i === 300 ? 0 : i))
    const map = tokenMapFromLabels({ h: 1, w: 300 }, 2, labels).map
    const buf = expectRoundTrip(map)
    expect(layoutOf(buf)).toMatchObject({ groupsWidth: 2, groupsBias: -300 })
  })

  it('falls back to Uint16 and Float32 sizes when sizes are not the patch counts', () => {
    expect(layoutOf(expectRoundTrip(withSizes(sampleMap(), (s) => (s[0] = 7)))).sizesWidth).toBe(2)
    expect(layoutOf(expectRoundTrip(withSizes(sampleMap(), (s) => (s[0] = 65535)))).sizesWidth).toBe(2)
    expect(layoutOf(expectRoundTrip(withSizes(sampleMap(), (s) => (s[1] = 1.5)))).sizesWidth).toBe(4)
    expect(layoutOf(expectRoundTrip(withSizes(sampleMap(), (s) => (s[1] = 65536)))).sizesWidth).toBe(4)
    expect(layoutOf(expectRoundTrip(withSizes(sampleMap(), (s) => (s[2] = -0)))).sizesWidth).toBe(4)
  })

  it('falls back to per-token Int32 frames when tokenFrame is not non-decreasing', () => {
    const map = misplacedMap()
    expect(Array.from(map.tokenFrame)).toEqual([2, 0, 2])
    const buf = expectRoundTrip(map)
    expect(layoutOf(buf)).toMatchObject({ groupsWidth: 1, framesLayout: 2 })
  })

  it('decodes full-width arrays as zero-copy views of the buffer', () => {
    const map = withSizes(uniqueFrame(256, 256), (s) => (s[0] = 0.5))
    const buf = encodeTokenMap(map)
    expect(layoutOf(buf)).toMatchObject({ groupsWidth: 4, sizesWidth: 4 })
    const back = decodeTokenMap(buf)
    expect(back.groups.buffer).toBe(buf)
    expect(back.tokenSizes.buffer).toBe(buf)
    expect(back.groups.byteOffset % 4).toBe(0)
  })

  it('still decodes version-1 buffers (zero-copy)', () => {
    for (const map of [sampleMap(), syntheticTokenMap(12), withSizes(sampleMap(), (s) => (s[1] = 1.5))]) {
      const v1 = encodeV1(map)
      const back = decodeTokenMap(v1)
      expect(Array.from(back.groups)).toEqual(Array.from(map.groups))
      expect(Array.from(back.tokenSizes)).toEqual(Array.from(map.tokenSizes))
      expect(Array.from(back.tokenFrame)).toEqual(Array.from(map.tokenFrame))
      expect(back.groups.buffer).toBe(v1)
    }
    const bad = new Uint8Array(encodeV1(sampleMap()))
    new DataView(bad.buffer).setInt32(64 + 4 + 4 * 2, 3, true) // groups[2] := 3 = M
    expectCodecError(() => decodeTokenMap(bad), /group id 3 at patch 2 is out of range \[-1, 3\)/)
    const v1 = new Uint8Array(encodeV1(sampleMap()))
    for (let cut = 0; cut < v1.length; cut++) expectCodecError(() => decodeTokenMap(v1.slice(0, cut)), /shorter|truncated/)
  })

  it('writes little-endian header fields', () => {
    const view = new DataView(encodeTokenMap(sampleMap()))
    expect(String.fromCharCode(...new Uint8Array(view.buffer, 0, 4))).toBe('TSTM')
    expect(view.getUint16(4, true)).toBe(TOKEN_MAP_CODEC_VERSION)
    expect(TOKEN_MAP_CODEC_VERSION).toBe(2)
    expect(view.getUint32(8, true)).toBe(72)
    expect(view.getUint32(20, true)).toBe(3) // T
    expect(view.getUint32(24, true)).toBe(4) // N
    expect(view.getUint32(28, true)).toBe(3) // M
    expect(view.getInt32(68, true)).toBe(-2) // bias
  })

  it('accepts an unaligned Uint8Array slice (copies it)', () => {
    const buf = new Uint8Array(encodeTokenMap(sampleMap()))
    const padded = new Uint8Array(buf.length + 1)
    padded.set(buf, 1)
    const back = decodeTokenMap(padded.subarray(1))
    expect(Array.from(back.groups)).toEqual(Array.from(sampleMap().groups))
  })

  it('round-trips an empty map (everything pruned) and an empty video', () => {
    const { map } = tokenMapFromLabels({ h: 1, w: 2 }, 2, new Int32Array(4).fill(-1))
    const back = decodeTokenMap(expectRoundTrip(map))
    expect(back.tokenSizes.length).toBe(0)
    expect(Array.from(back.keptFrames)).toEqual([0, 0])
    expectRoundTrip(tokenMapFromLabels({ h: 2, w: 2 }, 0, new Int32Array(0)).map)
  })

  it('refuses to encode a map with ids or frames out of range', () => {
    const map = sampleMap()
    expect(() => encodeTokenMap({ ...map, groups: map.groups.map((g, k) => (k === 1 ? 3 : g)) })).toThrow(CodecError)
    expect(() => encodeTokenMap({ ...map, tokenFrame: Int32Array.from([0, 0, 3]) })).toThrow(CodecError)
  })

  it('rejects a buffer truncated at any point', () => {
    for (const map of [sampleMap(), withSizes(sampleMap(), (s) => (s[1] = 1.5)), uniqueFrame(16, 16)]) {
      const bytes = new Uint8Array(encodeTokenMap(map))
      for (let cut = 0; cut < bytes.length; cut++) expectCodecError(() => decodeTokenMap(bytes.slice(0, cut)), /shorter|truncated/)
    }
  })

  it('rejects bad magic and unsupported versions', () => {
    const bytes = new Uint8Array(encodeTokenMap(sampleMap()))
    const flipped = bytes.slice()
    flipped[0] = 'X'.charCodeAt(0)
    expectCodecError(() => decodeTokenMap(flipped), /bad magic 'XSTM'/)
    for (const version of [0, 3]) {
      const v = bytes.slice()
      new DataView(v.buffer).setUint16(4, version, true)
      expectCodecError(() => decodeTokenMap(v), new RegExp(`unsupported version ${version}`))
    }
    const asV1 = bytes.slice() // a v2 body under a v1 header reads Int32 groups the buffer does not hold
    new DataView(asV1.buffer).setUint16(4, 1, true)
    expectCodecError(() => decodeTokenMap(asV1), /byte length/)
  })

  it('rejects bad widths, layouts, reserved bytes and a bias on absolute ids', () => {
    const mutate = (buf: ArrayBuffer, edit: (view: DataView) => void) => {
      const b = new Uint8Array(buf.slice(0))
      edit(new DataView(b.buffer))
      return b
    }
    const buf = encodeTokenMap(sampleMap())
    expectCodecError(() => decodeTokenMap(mutate(buf, (v) => v.setUint8(64, 3))), /bad groups width 3/)
    expectCodecError(() => decodeTokenMap(mutate(buf, (v) => v.setUint8(65, 1))), /bad sizes width 1/)
    expectCodecError(() => decodeTokenMap(mutate(buf, (v) => v.setUint8(66, 3))), /bad frames layout 3/)
    expectCodecError(() => decodeTokenMap(mutate(buf, (v) => v.setUint8(67, 1))), /reserved byte/)
    expectCodecError(() => decodeTokenMap(mutate(buf, (v) => v.setUint8(64, 2))), /groups: byte length 12 .*expected 24/)
    expectCodecError(() => decodeTokenMap(mutate(buf, (v) => v.setUint8(65, 2))), /tokenSizes: byte length 0 .*expected 6/)
    expectCodecError(() => decodeTokenMap(mutate(buf, (v) => v.setUint8(66, 2))), /tokenFrame: byte length 6 .*expected 12/)
    const wide = encodeTokenMap(uniqueFrame(256, 256))
    expectCodecError(() => decodeTokenMap(mutate(wide, (v) => v.setInt32(68, 1, true))), /bias 1 must be 0/)
  })

  it('rejects a bias or stored delta that maps outside [0, M)', () => {
    const buf = encodeTokenMap(sampleMap()) // bias -2, stored groups [2,2,3,255 | 255… | 2,255,0,255]
    const at = (view: DataView, patch: number) => view.getUint32(40, true) + patch
    const mutate = (edit: (view: DataView) => void) => {
      const b = new Uint8Array(buf.slice(0))
      edit(new DataView(b.buffer))
      return b
    }
    expectCodecError(() => decodeTokenMap(mutate((v) => v.setInt32(68, -3, true))), /group id -1 at patch 0/)
    expectCodecError(() => decodeTokenMap(mutate((v) => v.setInt32(68, -1, true))), /group id 3 at patch 8 \(stored 2, bias -1\) is out of range \[0, 3\)/)
    expectCodecError(() => decodeTokenMap(mutate((v) => v.setInt32(68, 0x7fffffff, true))), /out of range/)
    expectCodecError(() => decodeTokenMap(mutate((v) => v.setUint8(at(v, 2), 5))), /group id 3 at patch 2/)
    expectCodecError(() => decodeTokenMap(mutate((v) => v.setUint8(at(v, 10), 254))), /group id 254 at patch 10/)
    expectCodecError(() => decodeTokenMap(mutate((v) => v.setUint8(at(v, 0), 1))), /group id -1 at patch 0/) // -1 only via the sentinel
    const u16 = new Uint8Array(encodeTokenMap(uniqueFrame(16, 16)))
    const view = new DataView(u16.buffer)
    view.setUint16(view.getUint32(40, true) + 2 * 7, 256, true)
    expectCodecError(() => decodeTokenMap(u16), /group id 256 at patch 7/)
  })

  it('rejects per-frame counts that do not sum to M', () => {
    const b = new Uint8Array(encodeTokenMap(sampleMap()))
    const view = new DataView(b.buffer)
    view.setUint16(view.getUint32(56, true) + 2, 5, true) // counts [2, 5, 1]
    expectCodecError(() => decodeTokenMap(b), /counts sum to 8, not M=3/)
    const wide = new Uint8Array(encodeTokenMap(uniqueFrame(256, 256)))
    const wideView = new DataView(wide.buffer)
    wideView.setUint32(wideView.getUint32(56, true), 65535, true)
    expectCodecError(() => decodeTokenMap(wide), /counts sum to 65535, not M=65536/)
  })

  it('rejects lengths inconsistent with T, N, M', () => {
    const mutate = (at: number, value: number, map = sampleMap()) => {
      const b = new Uint8Array(encodeTokenMap(map))
      new DataView(b.buffer).setUint32(at, value, true)
      return b
    }
    const floatSizes = withSizes(sampleMap(), (s) => (s[1] = 1.5))
    expectCodecError(() => decodeTokenMap(mutate(24, 5)), /N=5 is not grid 2×2/)
    expectCodecError(() => decodeTokenMap(mutate(20, 4)), /keptFrames: byte length 3/) // T says 4
    expectCodecError(() => decodeTokenMap(mutate(28, 4)), /counts sum to 3, not M=4/) // M says 4
    expectCodecError(() => decodeTokenMap(mutate(28, 4, floatSizes)), /tokenSizes: byte length 12/)
    expectCodecError(() => decodeTokenMap(mutate(28, 0xffffffff)), /M=4294967295 tokens is more than/) // no huge allocation
    expectCodecError(() => decodeTokenMap(mutate(28, 13)), /M=13 tokens counted from 12 patches/) // sizes not stored: M is bounded by T*N
    expectCodecError(() => decodeTokenMap(mutate(44, 44)), /groups: byte length 44/)
    expectCodecError(() => decodeTokenMap(mutate(20, 0x40000000)), /byte length/) // huge T, no allocation
    expectCodecError(() => decodeTokenMap(mutate(40, 1000)), /truncated/) // groups offset past the end
    expectCodecError(() => decodeTokenMap(mutate(40, 66)), /aligned/)
    expectCodecError(() => decodeTokenMap(mutate(8, 1 << 20)), /header length/)
    expectCodecError(() => decodeTokenMap(mutate(8, 64)), /header length 64/) // v2 needs 72
  })

  it('rejects sections that overlap', () => {
    const b = new Uint8Array(encodeTokenMap(sampleMap()))
    const view = new DataView(b.buffer)
    view.setUint32(56, view.getUint32(40, true), true) // tokenFrame offset := groups offset
    expectCodecError(() => decodeTokenMap(b), /overlap/)
  })

  it('rejects out-of-range tokenFrame, sizes and kept flags', () => {
    const corrupt = (map: TokenMap, section: number, index: number, value: number, type: 'i32' | 'f32' | 'u8') => {
      const b = new Uint8Array(encodeTokenMap(map))
      const view = new DataView(b.buffer)
      const off = view.getUint32(32 + 8 * section, true)
      if (type === 'i32') view.setInt32(off + 4 * index, value, true)
      if (type === 'f32') view.setFloat32(off + 4 * index, value, true)
      if (type === 'u8') view.setUint8(off + index, value)
      return b
    }
    const perToken = misplacedMap()
    expectCodecError(() => decodeTokenMap(corrupt(perToken, 3, 1, 3, 'i32')), /tokenFrame\[1\] = 3/)
    expectCodecError(() => decodeTokenMap(corrupt(perToken, 3, 0, -1, 'i32')), /tokenFrame\[0\] = -1/)
    const floatSizes = withSizes(sampleMap(), (s) => (s[1] = 1.5))
    expectCodecError(() => decodeTokenMap(corrupt(floatSizes, 2, 1, NaN, 'f32')), /tokenSizes\[1\] = NaN/)
    expectCodecError(() => decodeTokenMap(corrupt(floatSizes, 2, 0, -1, 'f32')), /tokenSizes\[0\] = -1/)
    expectCodecError(() => decodeTokenMap(corrupt(sampleMap(), 0, 1, 2, 'u8')), /keptFrames\[1\] = 2/)
  })
})

describe('decoding into a map no longer in use', () => {
  it('reuses its arrays when the sizes fit, with the same result as a fresh decode', () => {
    const grid = { h: 2, w: 3 }
    const a = tokenMapFromLabels(grid, 2, Int32Array.from([0, 0, 1, 2, -1, 3, 4, 4, 5, -1, 6, 6])).map
    const b = tokenMapFromLabels(grid, 2, Int32Array.from([0, 1, 1, -1, -1, 2, 3, 3, 3, 4, 5, 6])).map
    const old = decodeTokenMap(encodeTokenMap(a))
    const fresh = decodeTokenMap(encodeTokenMap(b))
    const reused = decodeTokenMap(encodeTokenMap(b), old)
    expect(reused.groups).toBe(old.groups)
    expect(Array.from(reused.groups)).toEqual(Array.from(fresh.groups))
    expect(Array.from(reused.tokenFrame)).toEqual(Array.from(fresh.tokenFrame))
    expect(Array.from(reused.tokenSizes)).toEqual(Array.from(fresh.tokenSizes))
    const other = tokenMapFromLabels({ h: 1, w: 3 }, 2, Int32Array.from([0, 1, 2, 3, 3, -1])).map
    const sized = decodeTokenMap(encodeTokenMap(other), old)
    expect(sized.groups).not.toBe(old.groups)
    expect(Array.from(sized.groups)).toEqual(Array.from(other.groups))
  })
})
