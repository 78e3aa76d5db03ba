/**
 * A ViT with RANDOM weights shaped like the hub's ONNX exports that `tokenscope models pull`
 * downloads (transformers.js / optimum, node names as the TorchScript exporter writes them): a
 * CLIP vision tower whose only output is `image_embeds`, or a DINOv2-shaped one. It computes like
 * the real thing (same ops, same layout) and means nothing: the bench encodes with it, the tests
 * check the pull's graph edit (onnx/graph-edit.ts) on it. Never present it as a model.
 */
import { createRng } from '../../common/tensor/rng'
import { type Attr, type Builder, createBuilder, float, graph, model, tensor, value } from './graph'
import { layerNorm, linear, randomWeights } from './random-layers'

export interface HubVisionOptions {
  imageSize?: number
  patch?: number
  dim?: number
  heads?: number
  layers?: number
  /** Width of the joint (text) space, CLIP's projection_dim. */
  projDim?: number
  seed?: number
  /**
   * How the attention is laid out: '3d' the bmm form of HF CLIP exports ([B·H, T, T] Softmax),
   * '4d' the [B, H, T, T] form (SDPA-era and DINOv2 exports), 'no-softmax' a softmax written out
   * as Exp / ReduceSum / Div (stands in for fused attention kernels: there is no Softmax to expose).
   */
  attention?: '3d' | '4d' | 'no-softmax'
  /** The post-LayerNorm as one LayerNormalization (opset 17) or decomposed as at opset 14. */
  postLayerNorm?: 'op' | 'decomposed'
  /** Node names as the TorchScript exporter writes them, or anonymous ('node_17'). */
  names?: 'optimum' | 'anonymous'
  /**
   * 'clip': output `image_embeds` only (CLIPVisionModelWithProjection). 'dinov2': outputs
   * `last_hidden_state` (after the final LayerNorm) and `pooler_output`, no projection.
   * 'reference': the CLIP model plus the truth the edit must recover: `reference_hidden`
   * [B, T, D] (encoder output) and `reference_attentions` [B, H, T, T] (last block, 4-D).
   */
  outputs?: 'clip' | 'dinov2' | 'reference'
}

export interface HubVision {
  bytes: Uint8Array
  /** The weights after the encoder, for recomputing patch embeddings in JS. */
  head: { gamma: Float32Array; beta: Float32Array; projection: Float32Array; epsilon: number }
  tokens: number
}

/** A node with an optimum-style name (`/vision_model/encoder/layers.0/self_attn/Softmax`) and output `<name>_output_0`. */
function namedOp(b: Builder, names: HubVisionOptions['names'], name: string, op: string, inputs: string[], attrs?: Record<string, Attr>): string {
  const nodeName = names === 'anonymous' ? `node_${b.nodes.length}` : name
  const out = `${nodeName}_output_0`
  b.nodes.push({ op, inputs, outputs: [out], attrs, name: nodeName })
  return out
}

/** LayerNorm at opset 14 as the exporter decomposes it: (x − mean) / sqrt(var + eps) · γ + β. */
function decomposedLayerNorm(b: Builder, names: HubVisionOptions['names'], scope: string, x: string, gamma: string, beta: string, eps: number): string {
  const op = (n: string, o: string, i: string[], a?: Record<string, Attr>) => namedOp(b, names, `${scope}/${n}`, o, i, a)
  const mean = op('ReduceMean', 'ReduceMean', [x], { axes: [-1], keepdims: 1 })
  const centred = op('Sub', 'Sub', [x, mean])
  const sq = op('Pow', 'Pow', [centred, b.constant(`${scope}.two`, [], [2])])
  const variance = op('ReduceMean_1', 'ReduceMean', [sq], { axes: [-1], keepdims: 1 })
  const std = op('Sqrt', 'Sqrt', [op('Add', 'Add', [variance, b.constant(`${scope}.eps`, [], [eps])])])
  return op('Add_1', 'Add', [op('Mul', 'Mul', [op('Div', 'Div', [centred, std]), gamma]), beta])
}

/**
 * FIXTURE (random weights): a ViT shaped like the hub's CLIP vision export (or DINOv2's, see
 * `outputs`). Pre-LN blocks with quick-GELU MLPs; class token row 0. The random draws do not
 * depend on the variant options, so every variant with one seed computes the same function.
 */
export function makeHubVision(opts: HubVisionOptions = {}): HubVision {
  const { imageSize = 32, patch = 8, dim = 16, heads = 2, layers = 2, projDim = 12, seed = 11, attention = '3d', postLayerNorm = 'op', names = 'optimum', outputs = 'clip' } = opts
  const rand = createRng(seed)
  const b = createBuilder()
  const g = imageSize / patch
  const n = g * g
  const t = n + 1
  const dh = dim / heads
  const scope = outputs === 'dinov2' ? '' : '/vision_model'
  const op = (name: string, o: string, inputs: string[], attrs?: Record<string, Attr>) => namedOp(b, names, name, o, inputs, attrs)

  const convW = randomWeights(b, rand, 'embeddings.patch_embedding.weight', [dim, 3, patch, patch], 3 * patch * patch)
  const conv = op(`${scope}/embeddings/patch_embedding/Conv`, 'Conv', ['pixel_values', convW], { kernel_shape: [patch, patch], strides: [patch, patch] })
  const patches = op(`${scope}/embeddings/Transpose`, 'Transpose', [op(`${scope}/embeddings/Reshape`, 'Reshape', [conv, b.ints('patch_shape', [0, dim, n])])], { perm: [0, 2, 1] })
  const batchDim = op(`${scope}/embeddings/Slice`, 'Slice', [op(`${scope}/embeddings/Shape`, 'Shape', ['pixel_values']), b.ints('zero', [0]), b.ints('one', [1])])
  const clsShape = op(`${scope}/embeddings/Concat`, 'Concat', [batchDim, b.ints('one_one', [1, 1])], { axis: 0 })
  const clsTok = op(`${scope}/embeddings/Expand`, 'Expand', [randomWeights(b, rand, 'embeddings.class_embedding', [1, 1, dim], dim), clsShape])
  const pos = randomWeights(b, rand, 'embeddings.position_embedding', [1, t, dim], dim)
  let h = op(`${scope}/embeddings/Add`, 'Add', [op(`${scope}/embeddings/Concat_1`, 'Concat', [clsTok, patches], { axis: 1 }), pos])
  if (outputs !== 'dinov2') h = layerNorm(b, rand, 'pre_layrnorm', h, dim)

  const scale = b.constant('attn_scale', [1], [1 / Math.sqrt(dh)])
  const geluK = b.constant('quick_gelu_k', [1], [1.702])
  let lastAttention = ''
  for (let l = 0; l < layers; l++) {
    const p = outputs === 'dinov2' ? `/encoder/layer.${l}/attention/attention` : `${scope}/encoder/layers.${l}/self_attn`
    const x = layerNorm(b, rand, `encoder.layers.${l}.layer_norm1`, h, dim)
    const q = op(`${p}/Mul`, 'Mul', [linear(b, rand, `encoder.layers.${l}.q_proj`, x, dim, dim), scale])
    const k = linear(b, rand, `encoder.layers.${l}.k_proj`, x, dim, dim)
    const v = linear(b, rand, `encoder.layers.${l}.v_proj`, x, dim, dim)
    const split4 = (y: string, tag: string) => op(`${p}/Transpose_${tag}`, 'Transpose', [op(`${p}/Reshape_${tag}`, 'Reshape', [y, b.ints(`heads_shape_${l}_${tag}`, [0, 0, heads, dh])])], { perm: [0, 2, 1, 3] }) // [B, H, T, dh]
    const [q4, k4, v4] = [split4(q, 'q'), split4(k, 'k'), split4(v, 'v')]
    let context: string // [B, H, T, dh]
    if (attention === '3d') {
      const flat = (y: string, tag: string) => op(`${p}/Reshape_bmm_${tag}`, 'Reshape', [y, b.ints(`bmm_shape_${l}_${tag}`, [-1, t, dh])]) // [B·H, T, dh]
      const scores = op(`${p}/MatMul`, 'MatMul', [flat(q4, 'q'), op(`${p}/Transpose_kt`, 'Transpose', [flat(k4, 'k')], { perm: [0, 2, 1] })])
      lastAttention = op(`${p}/Softmax`, 'Softmax', [scores], { axis: -1 })
      context = op(`${p}/Reshape_ctx`, 'Reshape', [op(`${p}/MatMul_1`, 'MatMul', [lastAttention, flat(v4, 'v')]), b.ints(`ctx_shape_${l}`, [-1, heads, t, dh])])
    } else {
      const scores = op(`${p}/MatMul`, 'MatMul', [q4, op(`${p}/Transpose_kt`, 'Transpose', [k4], { perm: [0, 1, 3, 2] })])
      if (attention === '4d') lastAttention = op(`${p}/Softmax`, 'Softmax', [scores], { axis: -1 })
      else {
        const e = op(`${p}/Exp`, 'Exp', [op(`${p}/Sub`, 'Sub', [scores, op(`${p}/ReduceMax`, 'ReduceMax', [scores], { axes: [-1], keepdims: 1 })])])
        lastAttention = op(`${p}/Div`, 'Div', [e, op(`${p}/ReduceSum`, 'ReduceSum', [e, b.ints(`sum_axes_${l}`, [-1])], { keepdims: 1 })])
      }
      context = op(`${p}/MatMul_1`, 'MatMul', [lastAttention, v4])
    }
    const merged = op(`${p}/Reshape_out`, 'Reshape', [op(`${p}/Transpose_out`, 'Transpose', [context], { perm: [0, 2, 1, 3] }), b.ints(`merged_shape_${l}`, [0, 0, dim])])
    h = b.op('Add', [h, linear(b, rand, `encoder.layers.${l}.out_proj`, merged, dim, dim)])
    const m = linear(b, rand, `encoder.layers.${l}.fc1`, layerNorm(b, rand, `encoder.layers.${l}.layer_norm2`, h, dim), dim, 4 * dim)
    const act = b.op('Mul', [m, b.op('Sigmoid', [b.op('Mul', [m, geluK])])])
    h = b.op('Add', [h, linear(b, rand, `encoder.layers.${l}.fc2`, act, 4 * dim, dim)])
  }

  const eps = 1e-5
  const gamma = Float32Array.from({ length: dim }, () => 1 + 0.2 * (rand() - 0.5))
  const beta = Float32Array.from({ length: dim }, () => 0.2 * (rand() - 0.5))
  const projection = Float32Array.from({ length: dim * projDim }, () => (2 * rand() - 1) / Math.sqrt(dim))
  const gammaName = b.constant('post_layernorm.weight', [dim], gamma)
  const betaName = b.constant('post_layernorm.bias', [dim], beta)
  const norm = (x: string, at: string) =>
    postLayerNorm === 'op'
      ? op(`${at}/LayerNormalization`, 'LayerNormalization', [x, gammaName, betaName], { axis: -1, epsilon: float(eps) })
      : decomposedLayerNorm(b, names, at, x, gammaName, betaName, eps)
  const graphOutputs = []
  if (outputs === 'dinov2') {
    const last = norm(h, '/layernorm')
    b.op('Identity', [last], undefined, 'last_hidden_state')
    b.initializers.push(tensor('class_index', [], BigInt64Array.of(0n)))
    b.op('Identity', [op('/Gather', 'Gather', [last, 'class_index'], { axis: 1 })], undefined, 'pooler_output')
    graphOutputs.push(value('last_hidden_state', 'float', ['batch', t, dim]), value('pooler_output', 'float', ['batch', dim]))
  } else {
    // The class row as the exporter writes `last_hidden_state[:, 0, :]`: a Constant index and a Gather.
    const index = op('/vision_model/Constant', 'Constant', [], { value: tensor('class_index', [], BigInt64Array.of(0n)) })
    const pooled = norm(op('/vision_model/Gather', 'Gather', [h, index], { axis: 1 }), '/vision_model/post_layernorm')
    b.nodes.push({ op: 'MatMul', inputs: [pooled, b.constant('visual_projection.weight', [dim, projDim], projection)], outputs: ['image_embeds'], name: names === 'anonymous' ? 'node_proj' : '/visual_projection/MatMul' })
    graphOutputs.push(value('image_embeds', 'float', ['batch', projDim]))
    if (outputs === 'reference') {
      b.op('Identity', [h], undefined, 'reference_hidden')
      const ref = attention === '3d' ? b.op('Reshape', [lastAttention, b.ints('ref_shape', [-1, heads, t, t])]) : lastAttention
      b.op('Identity', [ref], undefined, 'reference_attentions')
      graphOutputs.push(value('reference_hidden', 'float', ['batch', t, dim]), value('reference_attentions', 'float', ['batch', heads, t, t]))
    }
  }
  const bytes = model(
    graph({
      name: 'hub_vision_fixture_random_weights',
      inputs: [value('pixel_values', 'float', ['batch', 3, imageSize, imageSize])],
      outputs: graphOutputs,
      nodes: b.nodes,
      initializers: b.initializers,
    }),
    { doc: 'TEST FIXTURE with random weights (not a trained model)', opset: postLayerNorm === 'op' ? 17 : 14 },
  )
  return { bytes, head: { gamma, beta, projection, epsilon: eps }, tokens: t }
}
