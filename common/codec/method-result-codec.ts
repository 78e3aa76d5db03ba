import type { MethodReport } from '../compression/types'
import type { TokenMap } from '../token-map'
import { CodecError, align4, checkDisjoint, checkSection, openContainer, readArray, readHeaderLength, writeArray, writeMagic } from './container'
import { decodeTokenMap, encodeTokenMapInto, planTokenMap } from './token-map-codec'

/**
 * Binary codec for a method's result (map + report + optional features), what the CLI's
 * `compress --out` writes as token_map.bin beside the .npy files.
 *
 * Layout ('TSMR', version 1; its map is either version): a 40-byte header, then the
 * encoded TokenMap, the report as UTF-8 JSON, and the features Float32[M*D] (absent when D = 0),
 * each 4-byte aligned:
 *
 *   0 magic 'TSMR' · 4 version u16 = 1 · 6 reserved u16 · 8 header length u32 = 40 · 12 D u32 ·
 *   16/20 map offset, length · 24/28 report offset, length · 32/36 features offset, length
 *
 * Decoding checks every section against the header and the buffer, the embedded map as
 * decodeTokenMap does, and the report's shape; it throws CodecError on anything malformed.
 */

const RESULT_MAGIC = 'TSMR'
const RESULT_CODEC_VERSION = 1
const RESULT_HEADER = 40

/** What `compress --out` writes for one method run. `features` is [M, D] when present. */
export interface EncodedMethodResult {
  map: TokenMap
  report: MethodReport
  features?: Float32Array
}

/** { map, report, features? } → one ArrayBuffer (layout above). */
export function encodeMethodResult(result: EncodedMethodResult): ArrayBuffer {
  const m = result.map.tokenSizes.length
  const features = result.features
  let dim = 0
  if (features && features.length > 0) {
    if (m === 0 || features.length % m !== 0) throw new CodecError(`features length ${features.length} is not M=${m} rows`)
    dim = features.length / m
  }
  const plan = planTokenMap(result.map)
  const mapSize = plan.size
  const json = new TextEncoder().encode(JSON.stringify(result.report))
  const mapOff = RESULT_HEADER
  const reportOff = mapOff + align4(mapSize)
  const featuresOff = reportOff + align4(json.length)
  const featuresLen = dim > 0 ? 4 * m * dim : 0
  const out = new ArrayBuffer(featuresOff + featuresLen)
  const view = new DataView(out)
  writeMagic(view, RESULT_MAGIC)
  view.setUint16(4, RESULT_CODEC_VERSION, true)
  view.setUint32(8, RESULT_HEADER, true)
  view.setUint32(12, dim, true)
  const sections = [[mapOff, mapSize], [reportOff, json.length], [featuresOff, featuresLen]]
  sections.forEach(([off, len], i) => {
    view.setUint32(16 + 8 * i, off, true)
    view.setUint32(20 + 8 * i, len, true)
  })
  encodeTokenMapInto(result.map, plan, new DataView(out, mapOff, mapSize))
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
  const { bytes, total, view } = openContainer(buf, 'method result', RESULT_MAGIC, RESULT_HEADER)
  const version = view.getUint16(4, true)
  if (version !== RESULT_CODEC_VERSION) throw new CodecError(`method result: unsupported version ${version} (this build reads ${RESULT_CODEC_VERSION})`)
  const headerLength = readHeaderLength(view, 'method result', RESULT_HEADER)
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
