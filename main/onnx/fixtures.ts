/**
 * TEST FIXTURES with RANDOM weights: small ONNX models shaped and named like Hugging Face exports,
 * so the manifest / session code paths for real CLIP-style models can be exercised offline.
 * Their outputs mean nothing; never ship or present them as models.
 */
import { createRng } from '../../common/tensor/rng'
import { type Builder, createBuilder, float, graph, model, tensor, value } from './graph'

export interface TinyVitOptions {
  imageSize?: number
  patch?: number
  dim?: number
  heads?: number
  layers?: number
  seed?: number
  /** A fixed batch size for the input (default: a symbolic 'batch' dimension). */
  batch?: number
  /**
   * Take rgb24 bytes, uint8 [B, S, S, 3] (manifest layout 'NHWC-uint8'), and normalise in the graph
   * with mean = std = 0.5: Transpose → Cast → x / 127.5 − 1. Default: float32 [B, 3, S, S].
   */
  uint8Input?: boolean
}

/** Uniform(−a, a) weights with a = 1/√fanIn, like a default PyTorch Linear init. */
function randomWeights(b: Builder, rand: () => number, name: string, dims: number[], fanIn: number): string {
  const a = 1 / Math.sqrt(fanIn)
  const size = dims.reduce((x, y) => x * y, 1)
  return b.constant(name, dims, Float32Array.from({ length: size }, () => (2 * rand() - 1) * a))
}

/** LayerNorm over the last axis with random affine parameters near (1, 0). */
function layerNorm(b: Builder, rand: () => number, name: string, x: string, d: number): string {
  const gamma = b.constant(`${name}.weight`, [d], Float32Array.from({ length: d }, () => 1 + 0.2 * (rand() - 0.5)))
  const beta = b.constant(`${name}.bias`, [d], Float32Array.from({ length: d }, () => 0.2 * (rand() - 0.5)))
  return b.op('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: float(1e-5) })
}

function linear(b: Builder, rand: () => number, name: string, x: string, dIn: number, dOut: number): string {
  const w = randomWeights(b, rand, `${name}.weight`, [dIn, dOut], dIn)
  const bias = randomWeights(b, rand, `${name}.bias`, [dOut], dIn)
  return b.op('Add', [b.op('MatMul', [x, w]), bias])
}

/**
 * FIXTURE (random weights): a CLIP-vision-shaped ViT. Input `pixel_values` [B, 3, S, S]; outputs
 * `last_hidden_state` [B, 1+N, D] (class token row 0, then the N = (S/P)² patch tokens in raster
 * order), `pooler_output` [B, D] (LayerNorm of the class row, as CLIP does) and `attentions`
 * [B, heads, 1+N, 1+N] (the last layer's softmax attention probabilities). Each layer is a
 * pre-LN block: x + Attn(LN(x)), then x + MLP(LN(x)) with quick-GELU.
 */
export function makeTinyVit(opts: TinyVitOptions = {}): Uint8Array {
  const { imageSize = 32, patch = 8, dim = 16, heads = 2, layers = 1, seed = 1, batch = 'batch', uint8Input = false } = opts
  if (imageSize % patch || dim % heads) throw new RangeError('makeTinyVit: imageSize % patch and dim % heads must be 0')
  const rand = createRng(seed)
  const b = createBuilder()
  const g = imageSize / patch
  const n = g * g
  const t = n + 1
  const dh = dim / heads

  let pixels = 'pixel_values'
  if (uint8Input) {
    const nchw = b.op('Cast', [b.op('Transpose', [pixels], { perm: [0, 3, 1, 2] })], { to: 1 }) // float 0..255
    pixels = b.op('Sub', [b.op('Mul', [nchw, b.constant('inv_127_5', [1], [1 / 127.5])]), b.constant('one_f', [1], [1])])
  }
  const convW = randomWeights(b, rand, 'embeddings.patch_embedding.weight', [dim, 3, patch, patch], 3 * patch * patch)
  const conv = b.op('Conv', [pixels, convW], { kernel_shape: [patch, patch], strides: [patch, patch] }) // [B, D, g, g]
  const patches = b.op('Transpose', [b.op('Reshape', [conv, b.ints('patch_shape', [0, dim, n])])], { perm: [0, 2, 1] }) // [B, N, D]
  // The class embedding, broadcast to [B, 1, D] with B read from the input's shape.
  const batchDim = b.op('Slice', [b.op('Shape', ['pixel_values']), b.ints('zero', [0]), b.ints('one', [1])])
  const clsShape = b.op('Concat', [batchDim, b.ints('one_one', [1, 1])], { axis: 0 })
  const clsEmb = randomWeights(b, rand, 'embeddings.class_embedding', [1, 1, dim], dim)
  const clsTok = b.op('Expand', [clsEmb, clsShape])
  const pos = randomWeights(b, rand, 'embeddings.position_embedding', [1, t, dim], dim)
  let h = b.op('Add', [b.op('Concat', [clsTok, patches], { axis: 1 }), pos]) // [B, T, D]
  h = layerNorm(b, rand, 'pre_layrnorm', h, dim)

  const headsShape = b.ints('heads_shape', [0, 0, heads, dh])
  const mergedShape = b.ints('merged_shape', [0, 0, dim])
  const scale = b.constant('attn_scale', [1], [1 / Math.sqrt(dh)])
  const geluK = b.constant('quick_gelu_k', [1], [1.702])
  for (let l = 0; l < layers; l++) {
    const p = `encoder.layers.${l}`
    const x = layerNorm(b, rand, `${p}.layer_norm1`, h, dim)
    const split = (y: string, perm: number[]) => b.op('Transpose', [b.op('Reshape', [y, headsShape])], { perm })
    const q = split(linear(b, rand, `${p}.self_attn.q_proj`, x, dim, dim), [0, 2, 1, 3]) // [B, H, T, dh]
    const kT = split(linear(b, rand, `${p}.self_attn.k_proj`, x, dim, dim), [0, 2, 3, 1]) // [B, H, dh, T]
    const v = split(linear(b, rand, `${p}.self_attn.v_proj`, x, dim, dim), [0, 2, 1, 3]) // [B, H, T, dh]
    const scores = b.op('Mul', [b.op('MatMul', [q, kT]), scale]) // [B, H, T, T]
    const attn = b.op('Softmax', [scores], { axis: -1 }, l === layers - 1 ? 'attentions' : undefined)
    const ctx = b.op('Reshape', [b.op('Transpose', [b.op('MatMul', [attn, v])], { perm: [0, 2, 1, 3] }), mergedShape]) // [B, T, D]
    h = b.op('Add', [h, linear(b, rand, `${p}.self_attn.out_proj`, ctx, dim, dim)])
    const m = linear(b, rand, `${p}.mlp.fc1`, layerNorm(b, rand, `${p}.layer_norm2`, h, dim), dim, 4 * dim)
    const act = b.op('Mul', [m, b.op('Sigmoid', [b.op('Mul', [m, geluK])])])
    h = b.op('Add', [h, linear(b, rand, `${p}.mlp.fc2`, act, 4 * dim, dim)])
  }
  b.op('Identity', [h], undefined, 'last_hidden_state')
  b.initializers.push(tensor('class_row', [], BigInt64Array.of(0n)))
  const clsRow = b.op('Gather', [h, 'class_row'], { axis: 1 }) // [B, D]
  b.op('Identity', [layerNorm(b, rand, 'post_layernorm', clsRow, dim)], undefined, 'pooler_output')

  return model(
    graph({
      name: 'tiny_vit_fixture_random_weights',
      inputs: [uint8Input ? value('pixel_values', 'uint8', [batch, imageSize, imageSize, 3]) : value('pixel_values', 'float', [batch, 3, imageSize, imageSize])],
      outputs: [
        value('last_hidden_state', 'float', [batch, t, dim]),
        value('pooler_output', 'float', [batch, dim]),
        value('attentions', 'float', [batch, heads, t, t]),
      ],
      nodes: b.nodes,
      initializers: b.initializers,
    }),
    { doc: 'TEST FIXTURE with random weights (not a trained model)' },
  )
}

export interface TinyTextOptions {
  vocab?: number
  maxLength?: number
  dim?: number
  /** Width of text_embeds (default dim). */
  embedDim?: number
  seed?: number
}

/**
 * FIXTURE (random weights): a text encoder with input `input_ids` [B, L] int64 and output
 * `text_embeds` [B, E] = mean over positions of a token embedding [vocab, D], times a projection [D, E].
 */
export function makeTinyTextEncoder(opts: TinyTextOptions = {}): Uint8Array {
  const { vocab = 64, maxLength = 8, dim = 16, embedDim = dim, seed = 2 } = opts
  const rand = createRng(seed)
  const b = createBuilder()
  const emb = randomWeights(b, rand, 'embeddings.token_embedding.weight', [vocab, dim], 1)
  const tokens = b.op('Gather', [emb, 'input_ids'], { axis: 0 }) // [B, L, D]
  const pooled = b.op('ReduceMean', [tokens], { axes: [1], keepdims: 0 }) // [B, D]
  const proj = randomWeights(b, rand, 'text_projection.weight', [dim, embedDim], dim)
  b.op('MatMul', [pooled, proj], undefined, 'text_embeds')
  return model(
    graph({
      name: 'tiny_text_fixture_random_weights',
      inputs: [value('input_ids', 'int64', ['batch', maxLength])],
      outputs: [value('text_embeds', 'float', ['batch', embedDim])],
      nodes: b.nodes,
      initializers: b.initializers,
    }),
    { doc: 'TEST FIXTURE with random weights (not a trained model)' },
  )
}
