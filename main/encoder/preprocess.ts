/**
 * rgb24 frames (already fitted to the model's input size by ffmpeg) → the model's input: the bytes
 * themselves for 'NHWC-uint8' models, normalised NCHW floats for 'NCHW' models.
 */
import type { ModelManifest } from './manifest'

type InputSpec = Pick<ModelManifest, 'input'>

/** A batch as the model takes it: uint8 [B, H, W, 3] ('NHWC-uint8') or float32 [B, 3, H, W] ('NCHW'). */
export type ModelInput = Uint8Array | Float32Array

/** The input tensor's shape for `batch` frames in the manifest's layout. */
export function modelInputShape(entry: InputSpec, batch: number): [number, number, number, number] {
  const [h, w] = entry.input.size
  return entry.input.layout === 'NHWC-uint8' ? [batch, h, w, 3] : [batch, 3, h, w]
}

/**
 * The model's native input for `count` consecutive rgb24 frames [count, H, W, 3]:
 * - 'NHWC-uint8': the first count·H·W·3 bytes of `rgb` as they are (a view, no copy, no work);
 * - 'NCHW': the normalised float32 [count, 3, H, W] (framesToPixelValues), written into `out`
 *   when it is given and large enough.
 * This is all the preprocessing TokenScope does; the worker and a bare onnxruntime loop share it.
 */
export function modelInputFromRgb(entry: InputSpec, rgb: Uint8Array, count: number, out?: Float32Array): ModelInput {
  const [h, w] = entry.input.size
  const bytes = count * h * w * 3
  if (rgb.length < bytes) throw new RangeError(`${count} frames need ${bytes} bytes, got ${rgb.length}`)
  if (entry.input.layout === 'NHWC-uint8') return rgb.subarray(0, bytes)
  return framesToPixelValues(rgb, count, entry, out && out.length >= bytes ? out : undefined)
}

/** Per channel, the normalised value of every byte: lut[c*256 + x] = (x/255 − mean[c]) / std[c]. */
export function normalisationTable(entry: InputSpec): Float32Array {
  const lut = new Float32Array(3 * 256)
  for (let c = 0; c < 3; c++) {
    const { mean, std } = entry.input
    for (let x = 0; x < 256; x++) lut[c * 256 + x] = (x / 255 - mean[c]) / std[c]
  }
  return lut
}

const tables = new WeakMap<object, Float32Array>()
const tableFor = (entry: InputSpec) => {
  let lut = tables.get(entry.input)
  if (!lut) tables.set(entry.input, (lut = normalisationTable(entry)))
  return lut
}

/**
 * One frame rgb24 [H, W, 3] → pixel values [3, H, W], (x/255 − mean) / std per channel, in one
 * pass. Writes into `out` at `offset` when given (e.g. frame b of a preallocated [B, 3, H, W]
 * batch), else into a new array. Returns the array written.
 */
export function toPixelValues(
  rgb: Uint8Array,
  width: number,
  height: number,
  entry: InputSpec,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  const [h, w] = entry.input.size
  if (width !== w || height !== h) throw new RangeError(`frame is ${width}×${height}, the model wants ${w}×${h}`)
  const plane = w * h
  if (rgb.length < plane * 3) throw new RangeError(`frame has ${rgb.length} bytes, expected ${plane * 3}`)
  const dst = out ?? new Float32Array(3 * plane)
  if (dst.length < offset + 3 * plane) throw new RangeError(`output has room for ${dst.length - offset} values, needs ${3 * plane}`)
  const lut = tableFor(entry)
  const [lr, lg, lb] = [lut.subarray(0, 256), lut.subarray(256, 512), lut.subarray(512)]
  const r = dst.subarray(offset, offset + plane)
  const g = dst.subarray(offset + plane, offset + 2 * plane)
  const b = dst.subarray(offset + 2 * plane, offset + 3 * plane)
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    r[i] = lr[rgb[j]]
    g[i] = lg[rgb[j + 1]]
    b[i] = lb[rgb[j + 2]]
  }
  return dst
}

/** `count` consecutive rgb24 frames → [count, 3, H, W] in `out` (or a new array). */
export function framesToPixelValues(rgb: Uint8Array, count: number, entry: InputSpec, out?: Float32Array): Float32Array {
  const [h, w] = entry.input.size
  const frameBytes = h * w * 3
  const dst = out ?? new Float32Array(count * frameBytes)
  for (let f = 0; f < count; f++) toPixelValues(rgb.subarray(f * frameBytes, (f + 1) * frameBytes), w, h, entry, dst, f * frameBytes)
  return dst
}
