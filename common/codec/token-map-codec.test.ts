import { describe, expect, it } from 'vitest'
import { tokenMapFromLabels, type TokenMap } from '../token-map'
import type { MethodReport } from '../compression/types'
import { CodecError, decodeMethodResult, decodeTokenMap, encodeMethodResult, encodeTokenMap } from './token-map-codec'

/** 3 frames of a 2×2 grid: frame 0 merges patches 0,1; frame 1 is dropped; frame 2 keeps one patch into a token placed at frame 0. */
function sampleMap(): TokenMap {
  const labels = Int32Array.from([5, 5, 7, -1, /* frame 1 */ -1, -1, -1, -1, /* frame 2 */ 9, -1, 5, -1])
  return tokenMapFromLabels({ h: 2, w: 2 }, 3, labels).map
}

const report: MethodReport = { budgetTokens: 3, tokensOut: 3, importanceSource: 'saliency-proxy', derived: { threshold: 0.5, mode: 'x' }, notes: ['ünïcode ✓'] }

const expectCodecError = (fn: () => unknown, pattern: RegExp) => {
  expect(fn).toThrow(CodecError)
  expect(fn).toThrow(pattern)
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

  it('decodes as zero-copy views of the buffer', () => {
    const buf = encodeTokenMap(sampleMap())
    const back = decodeTokenMap(buf)
    expect(back.groups.buffer).toBe(buf)
    expect(back.tokenSizes.buffer).toBe(buf)
    expect(back.groups.byteOffset % 4).toBe(0)
  })

  it('writes little-endian header fields', () => {
    const view = new DataView(encodeTokenMap(sampleMap()))
    expect(String.fromCharCode(...new Uint8Array(view.buffer, 0, 4))).toBe('TSTM')
    expect(view.getUint16(4, true)).toBe(1)
    expect(view.getUint32(20, true)).toBe(3) // T
    expect(view.getUint32(24, true)).toBe(4) // N
    expect(view.getUint32(28, true)).toBe(3) // M
    expect(view.getInt32(view.getUint32(40, true) + 4 * 3, true)).toBe(-1) // groups[3]
  })

  it('accepts an unaligned Uint8Array slice (copies it)', () => {
    const buf = new Uint8Array(encodeTokenMap(sampleMap()))
    const padded = new Uint8Array(buf.length + 1)
    padded.set(buf, 1)
    const back = decodeTokenMap(padded.subarray(1))
    expect(Array.from(back.groups)).toEqual(Array.from(sampleMap().groups))
  })

  it('round-trips an empty map (everything pruned)', () => {
    const { map } = tokenMapFromLabels({ h: 1, w: 2 }, 2, new Int32Array(4).fill(-1))
    const back = decodeTokenMap(encodeTokenMap(map))
    expect(back.tokenSizes.length).toBe(0)
    expect(Array.from(back.keptFrames)).toEqual([0, 0])
  })

  it('rejects a buffer truncated at any point', () => {
    const bytes = new Uint8Array(encodeTokenMap(sampleMap()))
    for (const cut of [0, 3, 10, 63, 64, 67, 70, 100, bytes.length - 1]) {
      expectCodecError(() => decodeTokenMap(bytes.slice(0, cut)), /shorter|truncated/)
    }
  })

  it('rejects bad magic and unsupported versions', () => {
    const bytes = new Uint8Array(encodeTokenMap(sampleMap()))
    const flipped = bytes.slice()
    flipped[0] = 'X'.charCodeAt(0)
    expectCodecError(() => decodeTokenMap(flipped), /bad magic 'XSTM'/)
    const v2 = bytes.slice()
    new DataView(v2.buffer).setUint16(4, 2, true)
    expectCodecError(() => decodeTokenMap(v2), /unsupported version 2/)
  })

  it('rejects lengths inconsistent with T, N, M', () => {
    const mutate = (at: number, value: number) => {
      const b = new Uint8Array(encodeTokenMap(sampleMap()))
      new DataView(b.buffer).setUint32(at, value, true)
      return b
    }
    expectCodecError(() => decodeTokenMap(mutate(24, 5)), /N=5 is not grid 2×2/)
    expectCodecError(() => decodeTokenMap(mutate(20, 4)), /keptFrames: byte length 3/) // T says 4
    expectCodecError(() => decodeTokenMap(mutate(28, 4)), /tokenSizes: byte length 12/) // M says 4
    expectCodecError(() => decodeTokenMap(mutate(44, 44)), /groups: byte length 44/)
    expectCodecError(() => decodeTokenMap(mutate(20, 0x40000000)), /byte length/) // huge T, no allocation
    expectCodecError(() => decodeTokenMap(mutate(40, 1000)), /truncated/) // groups offset past the end
    expectCodecError(() => decodeTokenMap(mutate(40, 66)), /aligned/)
    expectCodecError(() => decodeTokenMap(mutate(8, 1 << 20)), /header length/)
  })

  it('rejects sections that overlap', () => {
    const b = new Uint8Array(encodeTokenMap(sampleMap()))
    const view = new DataView(b.buffer)
    view.setUint32(56, view.getUint32(48, true), true) // tokenFrame offset := tokenSizes offset
    expectCodecError(() => decodeTokenMap(b), /overlap/)
  })

  it('rejects out-of-range group ids, tokenFrame and kept flags', () => {
    const corrupt = (section: number, index: number, value: number, width = 4) => {
      const b = new Uint8Array(encodeTokenMap(sampleMap()))
      const view = new DataView(b.buffer)
      const off = view.getUint32(32 + 8 * section, true) + index * width
      if (width === 4) view.setInt32(off, value, true)
      else view.setUint8(off, value)
      return b
    }
    expectCodecError(() => decodeTokenMap(corrupt(1, 2, 3)), /group id 3 at patch 2 is out of range \[-1, 3\)/)
    expectCodecError(() => decodeTokenMap(corrupt(1, 5, -2)), /group id -2/)
    expectCodecError(() => decodeTokenMap(corrupt(3, 1, 3)), /tokenFrame\[1\] = 3/)
    expectCodecError(() => decodeTokenMap(corrupt(3, 0, -1)), /tokenFrame\[0\] = -1/)
    expectCodecError(() => decodeTokenMap(corrupt(0, 1, 2, 1)), /keptFrames\[1\] = 2/)
  })
})

describe('MethodResult codec', () => {
  const features = Float32Array.from([1, 2, 3, 4, 5, 6]) // M=3, D=2

  it('round-trips map, report and features', () => {
    const back = decodeMethodResult(encodeMethodResult({ map: sampleMap(), report, features }))
    expect(back.report).toEqual(report)
    expect(Array.from(back.features!)).toEqual([1, 2, 3, 4, 5, 6])
    expect(Array.from(back.map.groups)).toEqual(Array.from(sampleMap().groups))
  })

  it('round-trips without features', () => {
    const back = decodeMethodResult(encodeMethodResult({ map: sampleMap(), report }))
    expect(back.features).toBeUndefined()
    expect(back.report.notes).toEqual(['ünïcode ✓'])
  })

  it('refuses to encode features that are not M rows', () => {
    expect(() => encodeMethodResult({ map: sampleMap(), report, features: new Float32Array(4) })).toThrow(CodecError)
  })

  it('rejects truncation, bad magic, bad embedded map and bad report', () => {
    const bytes = new Uint8Array(encodeMethodResult({ map: sampleMap(), report, features }))
    for (const cut of [0, 39, 40, 80, bytes.length - 4, bytes.length - 1]) {
      expectCodecError(() => decodeMethodResult(bytes.slice(0, cut)), /shorter|truncated|byte length/)
    }
    const magic = bytes.slice()
    magic[3] = 0
    expectCodecError(() => decodeMethodResult(magic), /bad magic/)
    const version = bytes.slice()
    new DataView(version.buffer).setUint16(4, 9, true)
    expectCodecError(() => decodeMethodResult(version), /unsupported version 9/)
    const innerMagic = bytes.slice()
    innerMagic[new DataView(innerMagic.buffer).getUint32(16, true)] = 0
    expectCodecError(() => decodeMethodResult(innerMagic), /token map: bad magic/)
    const dim = bytes.slice()
    new DataView(dim.buffer).setUint32(12, 3, true)
    expectCodecError(() => decodeMethodResult(dim), /features: byte length 24/)
    const json = bytes.slice()
    json[new DataView(json.buffer).getUint32(24, true)] = '['.charCodeAt(0)
    expectCodecError(() => decodeMethodResult(json), /report/)
  })

  it('rejects a report that parses but is not a MethodReport', () => {
    const bad = encodeMethodResult({ map: sampleMap(), report: { ...report, notes: [1] } as unknown as MethodReport })
    expectCodecError(() => decodeMethodResult(bad), /not a MethodReport/)
    const keyframes = encodeMethodResult({ map: sampleMap(), report: { ...report, keyframes: [0, 3] } })
    expectCodecError(() => decodeMethodResult(keyframes), /keyframes must be frame indices in \[0, 3\)/)
    expect(decodeMethodResult(encodeMethodResult({ map: sampleMap(), report: { ...report, keyframes: [0, 2] } })).report.keyframes).toEqual([0, 2])
  })
})
