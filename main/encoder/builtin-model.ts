/**
 * The built-in encoder `tokenscope-dct16`: not a learned model. Each 16×16 patch of each colour
 * channel is described by its lowest 8×8 orthonormal 2-D DCT-II coefficients (D = 3 × 64 = 192),
 * computed by one strided Conv whose fixed weights are the DCT basis images. It lets the whole
 * app work offline with no downloaded weights; its tokens carry colour and texture, not semantics.
 *
 * Input `pixel_values` uint8 [B, 224, 224, 3]: ffmpeg's rgb24 frames exactly as decoded (manifest
 * layout 'NHWC-uint8'), so the pipeline does no preprocessing in JS. In the graph: Transpose to
 * NCHW (on bytes, 4× cheaper than on floats) → Cast to float → the DCT Conv, whose weights and bias
 * have the normalisation (x/255 − 0.5) / 0.5 folded in (foldNormalisation). The tokens are thus
 * the DCT of the normalised image, as if the model took normalised float input.
 *
 * Outputs:
 *   patch_tokens [B, 196, 192]  row p = patch (p / 14, p % 14); column c*64 + u*8 + v = colour c,
 *                               vertical frequency u, horizontal frequency v
 *   global_token [B, 192]       mean of the patch tokens
 *   importance   [B, 196]       saliency proxy (feature contrast): softmax over patches of
 *                               dist_p / (mean_p dist_p + eps) / TEMPERATURE, dist_p = ‖x_p − mean‖₂
 * The distance is divided by its frame mean so the map's sharpness does not depend on the frame's
 * overall contrast; a flat frame gives a uniform map.
 */
import { createBuilder, graph, model, value } from '../onnx/graph'
import type { ModelManifest } from './manifest'
import { dctMatrix } from '../../common/tensor/dct'
import { BUILTIN_MODEL_ID } from '../../common/tokens'

export const BUILTIN_ID = BUILTIN_MODEL_ID

const IMAGE = 224
const PATCH = 16
const FREQS = 8 // lowest FREQS × FREQS coefficients per channel
const GRID = IMAGE / PATCH
const DIM = 3 * FREQS * FREQS
/** Softmax temperature on the mean-normalised distance: a patch twice as far as average gets e² ≈ 7.4× its weight. */
const TEMPERATURE = 0.5
/** onnx TensorProto.DataType FLOAT, the `to` of a Cast. */
const CAST_TO_FLOAT = 1

/** Conv weights [3*F*F, 1, P, P] (groups = 3): filter c*F*F + u*F + v is basis row u ⊗ basis row v. */
function dctFilters(): Float64Array {
  const b = dctMatrix(PATCH)
  const w = new Float64Array(DIM * PATCH * PATCH)
  for (let c = 0; c < 3; c++)
    for (let u = 0; u < FREQS; u++)
      for (let v = 0; v < FREQS; v++) {
        const o = ((c * FREQS + u) * FREQS + v) * PATCH * PATCH
        for (let y = 0; y < PATCH; y++) for (let x = 0; x < PATCH; x++) w[o + y * PATCH + x] = b[u * PATCH + y] * b[v * PATCH + x]
      }
  return w
}

/**
 * A Conv over normalised input x' = (x/255 − mean[c]) / std[c], rewritten as the same Conv over the
 * raw bytes x. The conv is linear, so per filter k and input channel c it reads:
 *   W'[k, c] = W[k, c] / (255 std[c])        b'[k] = b[k] − Σ_c (mean[c] / std[c]) Σ_yx W[k, c, y, x]
 * Exact in real arithmetic; computed in float64 and rounded to float32 once.
 *
 * weights [K, C/group, kh, kw] (row-major), bias [K] (default zeros); filter k reads input channels
 * g·C/group … (g+1)·C/group − 1 of group g = ⌊k / (K/group)⌋, C = mean.length.
 */
export function foldNormalisation(
  weights: Float64Array | Float32Array,
  dims: readonly [number, number, number, number],
  group: number,
  mean: readonly number[],
  std: readonly number[],
  bias?: Float64Array | Float32Array,
): { weights: Float32Array; bias: Float32Array } {
  const [k, perGroup, kh, kw] = dims
  const channels = mean.length
  if (std.length !== channels || perGroup * group !== channels || k % group) throw new RangeError('foldNormalisation: dims, group, mean and std disagree')
  if (weights.length !== k * perGroup * kh * kw) throw new RangeError(`foldNormalisation: weights hold ${weights.length} values, dims [${dims}] need ${k * perGroup * kh * kw}`)
  const area = kh * kw
  const outW = new Float32Array(weights.length)
  const outB = new Float32Array(k)
  for (let f = 0; f < k; f++) {
    let b = bias ? bias[f] : 0
    for (let j = 0; j < perGroup; j++) {
      const c = Math.floor(f / (k / group)) * perGroup + j
      const at = (f * perGroup + j) * area
      let sum = 0
      for (let i = 0; i < area; i++) {
        sum += weights[at + i]
        outW[at + i] = weights[at + i] / (255 * std[c])
      }
      b -= (mean[c] / std[c]) * sum
    }
    outB[f] = b
  }
  return { weights: outW, bias: outB }
}

export const BUILTIN_MANIFEST: ModelManifest = {
  id: BUILTIN_ID,
  name: 'TokenScope DCT-16 (built-in, not learned)',
  description:
    'Not a learned model; a fixed DCT transform of each 16×16 patch: per colour channel the lowest 8×8 ' +
    'orthonormal 2-D DCT-II coefficients (192 features per patch, 14×14 patches). Importance is a saliency ' +
    'proxy (feature contrast: softmax of each patch token’s distance from the frame’s mean token), not CLIP attention. ' +
    'Use it to try the app offline; install a CLIP / SigLIP / DINOv2 export for semantic tokens.',
  licence: 'MIT (TokenScope project)',
  source: 'generated by scripts/build-builtin-model.ts (main/encoder/builtin-model.ts); no trained weights',
  files: { vision: 'model.onnx' },
  input: { size: [IMAGE, IMAGE], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], layout: 'NHWC-uint8', resize: 'squash', inputName: 'pixel_values' },
  patchSize: PATCH,
  grid: { h: GRID, w: GRID },
  dim: DIM,
  outputs: {
    patchTokens: { name: 'patch_tokens' },
    classToken: { name: 'global_token' },
    importance: { name: 'importance', kind: 'saliency-proxy' },
  },
  batchSize: 16,
}

/** The ModelProto bytes of the built-in encoder (deterministic). */
export function builtinModel(): Uint8Array {
  const b = createBuilder()
  const norm = BUILTIN_MANIFEST.input
  const folded = foldNormalisation(dctFilters(), [DIM, 1, PATCH, PATCH], 3, norm.mean, norm.std)
  const nchw = b.op('Transpose', ['pixel_values'], { perm: [0, 3, 1, 2] }) // uint8 [B, 3, H, W]
  const pixels = b.op('Cast', [nchw], { to: CAST_TO_FLOAT }) // float, still 0..255
  const filters = b.constant('dct_filters_folded', [DIM, 1, PATCH, PATCH], folded.weights)
  const bias = b.constant('dct_bias_folded', [DIM], folded.bias)
  const conv = b.op('Conv', [pixels, filters, bias], { kernel_shape: [PATCH, PATCH], strides: [PATCH, PATCH], group: 3 }) // [B, D, 14, 14]
  const flat = b.op('Reshape', [conv, b.ints('flat_shape', [0, DIM, GRID * GRID])]) // [B, D, N]
  const tokens = b.op('Transpose', [flat], { perm: [0, 2, 1] }, 'patch_tokens') // [B, N, D]
  const mean = b.op('ReduceMean', [tokens], { axes: [1], keepdims: 1 }) // [B, 1, D]
  b.op('Squeeze', [mean, b.ints('axis1', [1])], undefined, 'global_token') // [B, D]
  const diff = b.op('Sub', [tokens, mean])
  const dist2 = b.op('ReduceSum', [b.op('Mul', [diff, diff]), b.ints('axis2', [2])], { keepdims: 0 }) // [B, N]
  const dist = b.op('Sqrt', [dist2])
  const meanDist = b.op('ReduceMean', [dist], { axes: [1], keepdims: 1 }) // [B, 1]
  const scale = b.op('Add', [meanDist, b.constant('eps', [1], [1e-6])])
  const logits = b.op('Div', [dist, b.op('Mul', [scale, b.constant('temperature', [1], [TEMPERATURE])])])
  b.op('Softmax', [logits], { axis: 1 }, 'importance')
  return model(
    graph({
      name: 'tokenscope_dct16',
      inputs: [value('pixel_values', 'uint8', ['batch', IMAGE, IMAGE, 3])],
      outputs: [
        value('patch_tokens', 'float', ['batch', GRID * GRID, DIM]),
        value('global_token', 'float', ['batch', DIM]),
        value('importance', 'float', ['batch', GRID * GRID]),
      ],
      nodes: b.nodes,
      initializers: b.initializers,
    }),
    { opset: 17, doc: BUILTIN_MANIFEST.description },
  )
}
