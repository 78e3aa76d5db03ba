import type { TokenMap } from '../token-map'
import { CodecError, align4, checkDisjoint, checkSection, hostLittleEndian, openContainer, readArray, readHeaderLength, writeArray, writeMagic } from './container'

/**
 * Binary codec for TokenMap: the unit sent over IPC to the renderer (method-result-codec.ts wraps
 * it with a report and features for the CLI's --out).
 *
 * TokenMap layout, version 2 (little-endian always; every array starts 4-byte aligned):
 *
 *   off  size  field
 *   0    4     magic 'TSTM'
 *   4    2     version (u16) = 2
 *   6    2     reserved (u16) = 0
 *   8    4     header length in bytes (u32) = 72; arrays start at or after it
 *   12   4     grid h (u32)
 *   16   4     grid w (u32)
 *   20   4     T, frame count (u32)
 *   24   4     N, patches per frame (u32) = h*w
 *   28   4     M, output tokens (u32)
 *   32   8     keptFrames  offset, byte length (u32 ×2)  Uint8[T]
 *   40   8     groups      offset, byte length            see groups width
 *   48   8     tokenSizes  offset, byte length            see sizes width
 *   56   8     tokenFrame  offset, byte length            see frames layout
 *   64   1     groups width (u8): 1 | 2 | 4
 *   65   1     sizes width (u8): 0 | 2 | 4
 *   66   1     frames layout (u8): 0 | 1 | 2
 *   67   1     reserved (u8) = 0
 *   68   4     groups bias (i32)
 *
 * Why: a 1-hour map is 3,600 × 196 patch ids; as Int32 it is ~4 MB, which a browser-mode
 * WebSocket needs ~250 ms to read. Each array is stored in the narrowest form that is lossless:
 * - tokenFrame: tokens are in output order, so tokenFrame is non-decreasing and is stored as
 *   per-frame token counts, Uint16[T] (layout 0) or Uint32[T] when a count exceeds 65535 (1);
 *   a map that is not non-decreasing keeps Int32[M] (2).
 * - groups: per frame t, `id - base[t] - bias` where base[t] = number of tokens placed in frames
 *   before t (the id of frame t's first token; a prefix sum of the counts, not stored) and bias =
 *   the smallest such delta in the map (negative with temporal merges). Uint8 when the deltas span
 *   at most 255 values (255 = pruned), else Uint16 (65535 = pruned), else (width 4) Int32 absolute
 *   ids with -1 = pruned and bias 0.
 * - tokenSizes: width 0 = not stored, because every size equals the number of patches carrying that
 *   id (what tokenMapFromLabels produces); 2 = Uint16 when all are integers in [0, 65535];
 *   4 = Float32.
 * Version 1 (64-byte header, no bytes 64–71) is version 2 with widths 4/4/2 and bias 0; both decode.
 *
 * Decoding checks everything it reads (magic, version, widths and layouts, lengths against T/N/M
 * and the buffer, counts summing to M, ids in range after the bias) and throws `CodecError` rather
 * than returning a mis-read map. Int32/Float32 arrays decode as zero-copy views of the input;
 * narrow ones are widened into fresh arrays in one tight loop.
 */

const MAP_MAGIC = 'TSTM'
export const TOKEN_MAP_CODEC_VERSION = 2
const MAP_HEADER = 72
const MAP_HEADER_V1 = 64

/** How the arrays of one encoded map are stored (header bytes 64–71). */
interface MapLayout {
  /** Bytes per stored group: 1 / 2 = biased per-frame deltas, 4 = absolute Int32 ids. */
  groupsWidth: 1 | 2 | 4
  /** Added back to every stored delta (0 when groupsWidth is 4). */
  groupsBias: number
  /** 0 = sizes are the patch counts per id (not stored), 2 = Uint16, 4 = Float32. */
  sizesWidth: 0 | 2 | 4
  /** 0 = counts Uint16[T], 1 = counts Uint32[T], 2 = per-token Int32[M]. */
  framesLayout: 0 | 1 | 2
}

const V1_LAYOUT: MapLayout = { groupsWidth: 4, groupsBias: 0, sizesWidth: 4, framesLayout: 2 }

/** Largest M: ids and bases are int32 in the hot loops (2^31 tokens would need 8 GB of sizes anyway). */
const MAX_TOKENS = 0x7fffffff

/**
 * [T+1] first token id of each frame, base[t] = counts[0] + … + counts[t-1]; base[T] = their sum.
 * Callers check that the counts sum to M ≤ MAX_TOKENS first, so every base fits an int32.
 */
function frameBases(counts: ArrayLike<number>): Int32Array {
  const base = new Int32Array(counts.length + 1)
  for (let t = 0; t < counts.length; t++) base[t + 1] = base[t] + counts[t]
  return base
}

/** [T] how many output tokens sit in each frame; tokenFrame [M] must lie in [0, T). */
function tokensPerFrame(tokenFrame: Int32Array, t: number, what: string): Uint32Array {
  const counts = new Uint32Array(t)
  for (let j = 0; j < tokenFrame.length; j++) {
    const f = tokenFrame[j]
    if (!(f >= 0 && f < t)) throw new CodecError(`${what}: tokenFrame[${j}] = ${f} is out of range [0, ${t})`)
    counts[f]++
  }
  return counts
}

/**
 * [M] number of patches carrying each id; groups [T*N] must lie in [-1, M). Encoder and decoder
 * both count with this function, so comparing with it is exact. Counted at index id + 1 (a view
 * skips slot 0, where pruned patches land): no branch on randomly pruned patches, no extra copy.
 */
function patchesPerToken(groups: Int32Array, m: number): Float32Array {
  const counts = new Float32Array(m + 1)
  for (let k = 0; k < groups.length; k++) counts[groups[k] + 1]++
  return counts.subarray(1)
}

/** Byte lengths of the groups, tokenSizes and tokenFrame sections under `layout`. */
function sectionLengths(layout: MapLayout, t: number, n: number, m: number): [number, number, number] {
  const frames = layout.framesLayout === 0 ? 2 * t : layout.framesLayout === 1 ? 4 * t : 4 * m
  return [layout.groupsWidth * t * n, layout.sizesWidth * m, frames]
}

/** What encoding one map needs: its layout, per-frame counts and bases, and the section offsets. */
export interface MapPlan {
  layout: MapLayout
  counts: Uint32Array
  base: Int32Array
  /** [offset, byte length] of keptFrames, groups, tokenSizes, tokenFrame. */
  sections: [number, number][]
  size: number
}

/** Validates `map` and picks the narrowest lossless layout for it. */
export function planTokenMap(map: TokenMap): MapPlan {
  const { h, w } = map.grid
  const t = map.frameCount
  const n = h * w
  const m = map.tokenSizes.length
  const { groups, tokenSizes, tokenFrame } = map
  if (map.keptFrames.length !== t || groups.length !== t * n || tokenFrame.length !== m) {
    throw new CodecError(`TokenMap arrays do not match T=${t}, N=${n}, M=${m}`)
  }
  if (m > MAX_TOKENS) throw new CodecError(`TokenMap: M=${m} tokens is more than ${MAX_TOKENS}`)
  const counts = tokensPerFrame(tokenFrame, t, 'TokenMap')
  const base = frameBases(counts)
  let monotone = true
  for (let j = 1; j < m && monotone; j++) monotone = tokenFrame[j] >= tokenFrame[j - 1]
  let maxCount = 0
  for (let f = 0; f < t; f++) maxCount = Math.max(maxCount, counts[f])

  // The range of the per-frame deltas, over every patch of the video: per frame the largest id
  // (pruned -1 never is one) and the smallest (-1 & 0x7fffffff is the largest int32, so pruned
  // never is one either), in int32 arithmetic with branches that rarely change direction.
  let lo = MAX_TOKENS
  let hi = -MAX_TOKENS
  let smallest = 0
  for (let f = 0, k = 0; f < t; f++) {
    let frameMin = MAX_TOKENS
    let frameMax = -1
    for (let end = k + n; k < end; k++) {
      const g = groups[k]
      const id = g & MAX_TOKENS
      if (g < smallest) smallest = g
      if (id < frameMin) frameMin = id
      if (g > frameMax) frameMax = g
    }
    if (frameMax >= m) throw new CodecError(`TokenMap: group id ${frameMax} in frame ${f} is out of range [-1, ${m})`)
    if (frameMax >= 0) {
      lo = Math.min(lo, frameMin - base[f])
      hi = Math.max(hi, frameMax - base[f])
    }
  }
  if (smallest < -1) throw new CodecError(`TokenMap: group id ${smallest} is out of range [-1, ${m})`)
  const span = hi - lo // < 0 when every patch is pruned
  const groupsWidth = span <= 254 ? 1 : span <= 65534 ? 2 : 4

  const perToken = patchesPerToken(groups, m)
  let counted = true
  let small = true
  for (let j = 0; j < m; j++) {
    const s = tokenSizes[j]
    const negativeZero = s === 0 && 1 / s < 0
    if (s !== perToken[j] || negativeZero) counted = false
    if (s !== (s & 0xffff) || negativeZero) small = false
  }
  const layout: MapLayout = {
    groupsWidth,
    groupsBias: groupsWidth === 4 || span < 0 ? 0 : lo,
    sizesWidth: counted && m <= t * n ? 0 : small ? 2 : 4,
    framesLayout: !monotone ? 2 : maxCount <= 0xffff ? 0 : 1,
  }
  let offset = MAP_HEADER
  const sections = [t, ...sectionLengths(layout, t, n, m)].map((length): [number, number] => {
    const section: [number, number] = [align4(offset), length]
    offset = section[0] + length
    return section
  })
  // No trailing padding: cutting even one byte off the end must be detectable.
  return { layout, counts, base, sections, size: offset }
}

/**
 * Writes the [T*N] stored groups at `offset` of `view`: biased per-frame deltas, pruned = the
 * width's all-ones value, or for width 4 the ids themselves.
 */
function writeGroups(view: DataView, offset: number, groups: Int32Array, n: number, plan: MapPlan): void {
  const { groupsWidth, groupsBias } = plan.layout
  if (groupsWidth === 4) return writeArray(view, offset, groups)
  // Uint16 straight into the output only on little-endian hosts; elsewhere through writeArray.
  const direct = groupsWidth === 1 || hostLittleEndian
  const at = view.byteOffset + offset
  const out = !direct ? new Uint16Array(groups.length) : groupsWidth === 1 ? new Uint8Array(view.buffer, at, groups.length) : new Uint16Array(view.buffer, at, groups.length)
  for (let f = 0, k = 0; k < groups.length; f++) {
    const b = plan.base[f] + groupsBias
    // Branchless on the (randomly placed) pruned patches: g >> 31 is -1 only for g = -1, and
    // -1 stored in a Uint8/Uint16 is its all-ones sentinel.
    for (let end = k + n; k < end; k++) {
      const g = groups[k]
      out[k] = (g - b) | (g >> 31)
    }
  }
  if (!direct) writeArray(view, offset, out as Uint16Array) // the !direct branch above made a Uint16Array
}

export function encodeTokenMapInto(map: TokenMap, plan: MapPlan, view: DataView): void {
  const { h, w } = map.grid
  const t = map.frameCount
  const { layout, sections } = plan
  writeMagic(view, MAP_MAGIC)
  view.setUint16(4, TOKEN_MAP_CODEC_VERSION, true)
  view.setUint16(6, 0, true)
  view.setUint32(8, MAP_HEADER, true)
  view.setUint32(12, h, true)
  view.setUint32(16, w, true)
  view.setUint32(20, t, true)
  view.setUint32(24, h * w, true)
  view.setUint32(28, map.tokenSizes.length, true)
  sections.forEach(([off, len], i) => {
    view.setUint32(32 + 8 * i, off, true)
    view.setUint32(36 + 8 * i, len, true)
  })
  view.setUint8(64, layout.groupsWidth)
  view.setUint8(65, layout.sizesWidth)
  view.setUint8(66, layout.framesLayout)
  view.setUint8(67, 0)
  view.setInt32(68, layout.groupsBias, true)
  const [[kept], [groupsOff], [sizesOff], [framesOff]] = sections
  new Uint8Array(view.buffer, view.byteOffset + kept, t).set(map.keptFrames)
  writeGroups(view, groupsOff, map.groups, h * w, plan)
  if (layout.sizesWidth === 2) writeArray(view, sizesOff, Uint16Array.from(map.tokenSizes))
  if (layout.sizesWidth === 4) writeArray(view, sizesOff, map.tokenSizes)
  if (layout.framesLayout === 0) writeArray(view, framesOff, Uint16Array.from(plan.counts))
  if (layout.framesLayout === 1) writeArray(view, framesOff, plan.counts)
  if (layout.framesLayout === 2) writeArray(view, framesOff, map.tokenFrame)
}

/** TokenMap → one ArrayBuffer (layout above, the narrowest lossless widths). */
export function encodeTokenMap(map: TokenMap): ArrayBuffer {
  const plan = planTokenMap(map)
  const out = new ArrayBuffer(plan.size)
  encodeTokenMapInto(map, plan, new DataView(out))
  return out
}

/** Reads header bytes 64–71 (version 2), rejecting unknown widths and layouts. */
function readLayout(view: DataView): MapLayout {
  const groupsWidth = view.getUint8(64)
  const sizesWidth = view.getUint8(65)
  const framesLayout = view.getUint8(66)
  const groupsBias = view.getInt32(68, true)
  if (groupsWidth !== 1 && groupsWidth !== 2 && groupsWidth !== 4) throw new CodecError(`token map: bad groups width ${groupsWidth} (expected 1, 2 or 4)`)
  if (sizesWidth !== 0 && sizesWidth !== 2 && sizesWidth !== 4) throw new CodecError(`token map: bad sizes width ${sizesWidth} (expected 0, 2 or 4)`)
  if (framesLayout !== 0 && framesLayout !== 1 && framesLayout !== 2) throw new CodecError(`token map: bad frames layout ${framesLayout} (expected 0, 1 or 2)`)
  if (view.getUint8(67) !== 0) throw new CodecError(`token map: reserved byte 67 is ${view.getUint8(67)}, not 0`)
  if (groupsWidth === 4 && groupsBias !== 0) throw new CodecError(`token map: groups bias ${groupsBias} must be 0 for absolute (width 4) ids`)
  return { groupsWidth, groupsBias, sizesWidth, framesLayout }
}

/** [M] frame of each token from per-frame counts [T], which must sum to M (checked before allocating). */
function framesFromCounts(counts: Uint16Array | Uint32Array, m: number, into?: Int32Array): Int32Array {
  let sum = 0
  for (let f = 0; f < counts.length; f++) sum += counts[f]
  if (sum !== m) throw new CodecError(`token map: per-frame token counts sum to ${sum}, not M=${m}`)
  const tokenFrame = into?.length === m ? into : new Int32Array(m)
  for (let f = 0, start = 0; f < counts.length; start += counts[f++]) tokenFrame.fill(f, start, start + counts[f])
  return tokenFrame
}

/** [T*N] absolute ids from stored groups, each checked against [-1, M). */
function groupsFromStored(stored: Uint8Array | Uint16Array | Int32Array, layout: MapLayout, base: Int32Array, n: number, m: number, into?: Int32Array): Int32Array {
  if (stored instanceof Int32Array) {
    for (let k = 0; k < stored.length; k++) {
      if (stored[k] < -1 || stored[k] >= m) throw new CodecError(`token map: group id ${stored[k]} at patch ${k} is out of range [-1, ${m})`)
    }
    return stored
  }
  // Branchless on the (randomly placed) pruned patches: (s + 1) >> bits is 1 only for the
  // all-ones sentinel, so `g | mask` is -1 there and g elsewhere.
  const bits = 8 * layout.groupsWidth
  const groups = into?.length === stored.length ? into : new Int32Array(stored.length)
  for (let f = 0, k = 0; k < stored.length; f++) {
    const b = base[f] + layout.groupsBias
    for (let end = k + n; k < end; k++) {
      const s = stored[k]
      const g = s + b
      const mask = -((s + 1) >> bits)
      if ((g < 0 || g >= m) && mask === 0) throw new CodecError(`token map: group id ${g} at patch ${k} (stored ${s}, bias ${layout.groupsBias}) is out of range [0, ${m})`)
      groups[k] = g | mask
    }
  }
  return groups
}

/**
 * ArrayBuffer (or a Uint8Array slice of one) → TokenMap. Arrays stored at full width (Int32 groups
 * and tokenFrame, Float32 sizes) view the input's memory (copied only when the input is not
 * 4-byte aligned or the host is big-endian); narrow ones are widened into fresh arrays.
 * Reads versions 1 and 2. Throws CodecError on anything malformed.
 *
 * `into`: a map the caller no longer uses, whose arrays may be overwritten when their sizes fit
 * (writing fresh memory costs page faults; the renderer decodes each new result into the one
 * before last). On a CodecError its arrays may be partly overwritten.
 */
export function decodeTokenMap(buf: ArrayBuffer | Uint8Array, into?: TokenMap): TokenMap {
  const { bytes, total, view } = openContainer(buf, 'token map', MAP_MAGIC, MAP_HEADER_V1)
  const version = view.getUint16(4, true)
  if (version !== 1 && version !== 2) throw new CodecError(`token map: unsupported version ${version} (this build reads 1 and ${TOKEN_MAP_CODEC_VERSION})`)
  const minHeader = version === 1 ? MAP_HEADER_V1 : MAP_HEADER
  if (total < minHeader) throw new CodecError(`token map: ${total} bytes is shorter than the ${minHeader}-byte header`)
  const headerLength = readHeaderLength(view, 'token map', minHeader)
  const layout = version === 1 ? V1_LAYOUT : readLayout(view)
  const h = view.getUint32(12, true)
  const w = view.getUint32(16, true)
  const t = view.getUint32(20, true)
  const n = view.getUint32(24, true)
  const m = view.getUint32(28, true)
  if (h * w !== n) throw new CodecError(`token map: N=${n} is not grid ${h}×${w}`)
  if (m > MAX_TOKENS) throw new CodecError(`token map: M=${m} tokens is more than ${MAX_TOKENS}`)
  const section = (i: number) => [view.getUint32(32 + 8 * i, true), view.getUint32(36 + 8 * i, true)]
  const [keptOff, keptLen] = section(0)
  const [groupsOff, groupsLen] = section(1)
  const [sizesOff, sizesLen] = section(2)
  const [framesOff, framesLen] = section(3)
  // Plain numbers (doubles) here: T*N*4 cannot overflow before it is compared with the buffer size.
  const [groupsBytes, sizesBytes, framesBytes] = sectionLengths(layout, t, n, m)
  // Only counted sizes with per-frame counts store nothing per token: bound M so a corrupt header cannot ask for a huge allocation.
  if (layout.sizesWidth === 0 && m > t * n) throw new CodecError(`token map: M=${m} tokens counted from ${t * n} patches`)
  checkSection('keptFrames', keptOff, keptLen, t, headerLength, total)
  checkSection('groups', groupsOff, groupsLen, groupsBytes, headerLength, total)
  checkSection('tokenSizes', sizesOff, sizesLen, sizesBytes, headerLength, total)
  checkSection('tokenFrame', framesOff, framesLen, framesBytes, headerLength, total)
  checkDisjoint('token map', [['keptFrames', keptOff, keptLen], ['groups', groupsOff, groupsLen], ['tokenSizes', sizesOff, sizesLen], ['tokenFrame', framesOff, framesLen]])

  const keptFrames = new Uint8Array(bytes.buffer, bytes.byteOffset + keptOff, t)
  for (let i = 0; i < t; i++) {
    if (keptFrames[i] > 1) throw new CodecError(`token map: keptFrames[${i}] = ${keptFrames[i]} is not 0 or 1`)
  }

  // tokenFrame [M] and base [T+1], the id of each frame's first token (per-token layouts are range-checked by the count).
  let tokenFrame: Int32Array
  let base: Int32Array
  if (layout.framesLayout === 2) {
    tokenFrame = readArray(bytes, framesOff, m, Int32Array, 'getInt32')
    base = frameBases(tokensPerFrame(tokenFrame, t, 'token map'))
  } else {
    const counts = layout.framesLayout === 0 ? readArray(bytes, framesOff, t, Uint16Array, 'getUint16') : readArray(bytes, framesOff, t, Uint32Array, 'getUint32')
    tokenFrame = framesFromCounts(counts, m, into?.tokenFrame)
    base = frameBases(counts)
  }

  const stored =
    layout.groupsWidth === 1 ? new Uint8Array(bytes.buffer, bytes.byteOffset + groupsOff, t * n)
    : layout.groupsWidth === 2 ? readArray(bytes, groupsOff, t * n, Uint16Array, 'getUint16')
    : readArray(bytes, groupsOff, t * n, Int32Array, 'getInt32')
  const groups = groupsFromStored(stored, layout, base, n, m, into?.groups)

  let tokenSizes: Float32Array
  if (layout.sizesWidth === 0) {
    tokenSizes = patchesPerToken(groups, m)
  } else if (layout.sizesWidth === 2) {
    tokenSizes = Float32Array.from(readArray(bytes, sizesOff, m, Uint16Array, 'getUint16'))
  } else {
    tokenSizes = readArray(bytes, sizesOff, m, Float32Array, 'getFloat32')
    for (let j = 0; j < m; j++) {
      if (!(tokenSizes[j] >= 0) || !Number.isFinite(tokenSizes[j])) throw new CodecError(`token map: tokenSizes[${j}] = ${tokenSizes[j]} is not a finite size`)
    }
  }
  return { grid: { h, w }, frameCount: t, keptFrames, groups, tokenSizes, tokenFrame }
}
