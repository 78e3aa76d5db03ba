import { encodeMethodResult } from '../../common/codec/method-result-codec'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { VideoTokens } from '../../common/tokens'
import type { MethodResult } from '../../common/compression/types'
import { computeMetrics, type Metrics } from '../../common/metrics/index'

/**
 * NumPy .npy (format version 1.0) writer, and the export of a method result as .npy files that a
 * Python (LLaVA-style) pipeline can load with `np.load`.
 *
 * Format: magic "\x93NUMPY", version bytes 1 0, header length (u16 little-endian), then an ASCII
 * Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (T, N), }` padded with
 * spaces and ended by '\n' so the data starts at a multiple of 64 bytes (what NumPy itself
 * writes), then the raw C-order little-endian data.
 */

export type NpyArray = Int32Array | Float32Array | Uint8Array | Float64Array

/** NumPy dtype string of each array type; Uint8Array can be written as bool with `{ bool: true }`. */
function descrOf(array: NpyArray, bool: boolean): string {
  if (array instanceof Int32Array) return '<i4'
  if (array instanceof Float32Array) return '<f4'
  if (array instanceof Float64Array) return '<f8'
  return bool ? '|b1' : '|u1'
}

/** The .npy bytes of `array` with `shape` (C order). Throws when the shape does not fit the data. */
export function encodeNpy(array: NpyArray, shape: readonly number[], opts: { bool?: boolean } = {}): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1)
  if (shape.some((s) => !Number.isInteger(s) || s < 0) || count !== array.length) {
    throw new Error(`npy: shape (${shape.join(', ')}) does not hold ${array.length} elements`)
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  const dict = `{'descr': '${descrOf(array, !!opts.bool)}', 'fortran_order': False, 'shape': ${tuple}, }`
  const preamble = 10 // magic (6) + version (2) + header length (2)
  const headerLength = Math.ceil((preamble + dict.length + 1) / 64) * 64 - preamble
  if (headerLength > 0xffff) throw new Error('npy: header too long for format 1.0')
  const out = new Uint8Array(preamble + headerLength + array.byteLength)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, headerLength & 0xff, headerLength >> 8])
  const header = dict.padEnd(headerLength - 1, ' ') + '\n'
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i)
  const data = new DataView(out.buffer, preamble + headerLength)
  // Explicit little-endian writes, whatever the host byte order.
  if (array instanceof Uint8Array) out.set(array, preamble + headerLength)
  else if (array instanceof Int32Array) array.forEach((v, i) => data.setInt32(4 * i, v, true))
  else if (array instanceof Float32Array) array.forEach((v, i) => data.setFloat32(4 * i, v, true))
  else array.forEach((v, i) => data.setFloat64(8 * i, v, true))
  return out
}

/**
 * [M, 2] int32 (frame, patch) of each output token's representative: its first source patch in
 * video raster order (frame by frame, then raster order within the frame). An output token with no
 * source patch (synthesised, e.g. by pooling to a new grid) gets (tokenFrame, -1).
 */
export function representativePatches(result: MethodResult): Int32Array {
  const { map } = result
  const n = map.grid.h * map.grid.w
  const m = map.tokenSizes.length
  const out = new Int32Array(2 * m).fill(-1)
  for (let k = 0; k < map.groups.length; k++) {
    const g = map.groups[k]
    if (g >= 0 && out[2 * g] < 0) {
      out[2 * g] = Math.floor(k / n)
      out[2 * g + 1] = k % n
    }
  }
  for (let g = 0; g < m; g++) if (out[2 * g] < 0) out[2 * g] = map.tokenFrame[g]
  return out
}

/**
 * Writes a method result to `dir` (created if needed):
 * - groups.npy          int32   [T, N]  output token id per patch, -1 = pruned
 * - kept_patch_mask.npy bool    [T, N]  patch contributes to some output token (groups ≥ 0)
 * - kept_indices.npy    int32   [M, 2]  (frame, patch) representative of each output token (representativePatches)
 * - token_sizes.npy     float32 [M]     source patches merged into each output token
 * - token_frame.npy     int32   [M]     frame each output token is placed at
 * - features.npy        float32 [M, D]  output token features (when the result has them)
 * - pts.npy             float64 [T]     presentation time (s) of each sampled frame
 * - result.json         { modelId, grid, dim, frameCount, report, metrics }
 * - token_map.bin       the TokenMap, report and features in TokenScope's binary codec
 * `metrics` defaults to computeMetrics with its default options.
 */
export async function exportMethodResult(dir: string, video: VideoTokens, result: MethodResult, metrics?: Metrics): Promise<string[]> {
  const { map } = result
  const t = map.frameCount
  const n = map.grid.h * map.grid.w
  const m = map.tokenSizes.length
  const mask = Uint8Array.from(map.groups, (g) => (g >= 0 ? 1 : 0))
  const files: [string, Uint8Array | string][] = [
    ['groups.npy', encodeNpy(map.groups, [t, n])],
    ['kept_patch_mask.npy', encodeNpy(mask, [t, n], { bool: true })],
    ['kept_indices.npy', encodeNpy(representativePatches(result), [m, 2])],
    ['token_sizes.npy', encodeNpy(map.tokenSizes, [m])],
    ['token_frame.npy', encodeNpy(map.tokenFrame, [m])],
    ['pts.npy', encodeNpy(video.pts, [video.pts.length])],
  ]
  if (result.features.length === m * video.dim) files.push(['features.npy', encodeNpy(result.features, [m, video.dim])])
  const summary = {
    modelId: video.modelId,
    grid: map.grid,
    dim: video.dim,
    frameCount: t,
    report: result.report,
    metrics: metrics ?? computeMetrics(video, result),
  }
  files.push(['result.json', JSON.stringify(summary, null, 2) + '\n'])
  files.push(['token_map.bin', new Uint8Array(encodeMethodResult(result))])
  await mkdir(dir, { recursive: true })
  await Promise.all(files.map(([name, data]) => writeFile(join(dir, name), data)))
  return files.map(([name]) => join(dir, name))
}
