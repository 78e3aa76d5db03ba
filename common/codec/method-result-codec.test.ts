import { describe, expect, it } from 'vitest'
import type { MethodReport } from '../compression/types'
import { expectCodecError, sampleMap, uniqueFrame, withSizes } from '../../tests/support/token-maps'
import { CodecError } from './container'
import { decodeMethodResult, encodeMethodResult } from './method-result-codec'

const report: MethodReport = { budgetTokens: 3, tokensOut: 3, importanceSource: 'saliency-proxy', derived: { threshold: 0.5, mode: 'x' }, notes: ['ünïcode ✓'] }

describe('MethodResult codec', () => {
  const features = Float32Array.from([1, 2, 3, 4, 5, 6]) // M=3, D=2

  it('round-trips map, report and features', () => {
    const back = decodeMethodResult(encodeMethodResult({ map: sampleMap(), report, features }))
    expect(back.report).toEqual(report)
    expect(Array.from(back.features!)).toEqual([1, 2, 3, 4, 5, 6])
    expect(Array.from(back.map.groups)).toEqual(Array.from(sampleMap().groups))
  })

  it('round-trips a result whose map needs Uint16 deltas and Float32 sizes', () => {
    const map = withSizes(uniqueFrame(16, 16), (s) => (s[3] = 2.5))
    const back = decodeMethodResult(encodeMethodResult({ map, report }))
    expect(Array.from(back.map.groups)).toEqual(Array.from(map.groups))
    expect(Array.from(back.map.tokenSizes)).toEqual(Array.from(map.tokenSizes))
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
