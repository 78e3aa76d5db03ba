import { describe, expect, it } from 'vitest'
import * as ort from 'onnxruntime-node'
import { concat } from './protobuf'
import { readOnnxGraph } from './read'
import { planVisionEdit } from './graph-edit'
import { type HubVisionOptions, makeHubVision } from '../../tests/fixtures/hub-graphs'

const B = 2
const S = 32
const pixels = () => new ort.Tensor('float32', Float32Array.from({ length: B * 3 * S * S }, (_, i) => Math.sin(i * 0.37) * 1.5), [B, 3, S, S])

async function runAll(bytes: Uint8Array): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(bytes)
  try {
    return (await s.run({ pixel_values: pixels() })) as Record<string, ort.Tensor>
  } finally {
    await s.release()
  }
}

const data = (t: ort.Tensor) => t.data as Float32Array
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0)

/** The truth, from a model built with the same weights that outputs them directly (4-D attention). */
const reference = async () => runAll(makeHubVision({ outputs: 'reference', attention: '4d' }).bytes)

describe('readOnnxGraph', () => {
  it('reads nodes, small constants, inputs, outputs and the opset, skipping the weights', () => {
    const g = readOnnxGraph(makeHubVision({ postLayerNorm: 'decomposed' }).bytes)
    expect(g.inputs).toEqual(['pixel_values'])
    expect(g.outputs).toEqual(['image_embeds'])
    expect(g.opset).toBe(14)
    const softmax = g.nodes.filter((n) => n.op === 'Softmax').map((n) => n.name)
    expect(softmax).toEqual(['/vision_model/encoder/layers.0/self_attn/Softmax', '/vision_model/encoder/layers.1/self_attn/Softmax'])
    const constant = g.nodes.find((n) => n.name === '/vision_model/Constant')!
    expect(constant.attrs.value).toMatchObject({ t: { dims: [], dataType: 7, values: [0] } })
    expect(g.initializers.get('patch_shape')?.values).toEqual([0, 16, 16])
    const weight = g.initializers.get('visual_projection.weight')!
    expect(weight.dims).toEqual([16, 12])
    expect(weight.values).toBeUndefined()
    const gather = g.nodes.find((n) => n.op === 'Gather')!
    expect(gather.attrs.axis).toEqual({ i: 1 })
  })
})

describe('planVisionEdit on hub-shaped CLIP vision towers', () => {
  const variants: [string, HubVisionOptions][] = [
    ['3-D (bmm) attention, LayerNormalization', { attention: '3d' }],
    ['4-D attention', { attention: '4d' }],
    ['post-LN decomposed (opset 14)', { postLayerNorm: 'decomposed' }],
    ['anonymous node names (structural search)', { names: 'anonymous' }],
  ]
  it.each(variants)('%s: exposes the encoder output, per-token embeddings and the last softmax', async (_name, opts) => {
    const hub = makeHubVision(opts)
    const graph = readOnnxGraph(hub.bytes)
    const edit = planVisionEdit(graph, { pooledOutput: 'image_embeds', attention: { heads: 2, tokens: hub.tokens } })
    expect(edit.skipped).toEqual([])
    expect(edit.added).toEqual({ lastHiddenState: 'last_hidden_state', patchEmbeds: 'patch_embeds', attentions: 'attentions' })
    const out = await runAll(concat([hub.bytes, edit.appendix]))
    const ref = await reference()
    const t = hub.tokens
    expect(out.last_hidden_state.dims).toEqual([B, t, 16])
    expect(maxDiff(data(out.last_hidden_state), data(ref.reference_hidden))).toBeLessThan(1e-5)
    expect(out.attentions.dims).toEqual([B, 2, t, t])
    expect(maxDiff(data(out.attentions), data(ref.reference_attentions))).toBeLessThan(1e-6)
    // Row 0 went through exactly the pooled path: it is image_embeds.
    const pe = data(out.patch_embeds)
    expect(out.patch_embeds.dims).toEqual([B, t, 12])
    for (let b = 0; b < B; b++) expect(maxDiff(pe.subarray(b * t * 12, b * t * 12 + 12), data(out.image_embeds).subarray(b * 12, b * 12 + 12))).toBeLessThan(1e-5)
    // Every other row: post-LayerNorm and projection of that token, recomputed here.
    const { gamma, beta, projection, epsilon } = hub.head
    const hidden = data(ref.reference_hidden)
    for (const row of [1, 7, t - 1]) {
      const x = hidden.subarray((1 * t + row) * 16, (1 * t + row + 1) * 16)
      const mean = x.reduce((a, v) => a + v, 0) / 16
      const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / 16
      const normed = Array.from(x, (v, c) => ((v - mean) / Math.sqrt(variance + epsilon)) * gamma[c] + beta[c])
      const want = Float32Array.from({ length: 12 }, (_, j) => normed.reduce((a, v, c) => a + v * projection[c * 12 + j], 0))
      expect(maxDiff(pe.subarray((1 * t + row) * 12, (1 * t + row + 1) * 12), want)).toBeLessThan(1e-4)
    }
  })

  it('names the block it exposed and keeps the original outputs', () => {
    const hub = makeHubVision()
    const edit = planVisionEdit(readOnnxGraph(hub.bytes), { pooledOutput: 'image_embeds', attention: { heads: 2, tokens: hub.tokens } })
    expect(edit.found.softmax).toBe('/vision_model/encoder/layers.1/self_attn/Softmax')
    const merged = readOnnxGraph(concat([hub.bytes, edit.appendix]))
    expect(merged.outputs).toEqual(['image_embeds', 'last_hidden_state', 'patch_embeds', 'attentions'])
  })

  it('without a Softmax (fused or hand-written attention) adds no attentions and says why; the rest still works', async () => {
    const hub = makeHubVision({ attention: 'no-softmax' })
    const edit = planVisionEdit(readOnnxGraph(hub.bytes), { pooledOutput: 'image_embeds', attention: { heads: 2, tokens: hub.tokens } })
    expect(edit.added.attentions).toBeUndefined()
    expect(edit.skipped).toEqual(['attentions: no Softmax feeds the hidden state'])
    const out = await runAll(concat([hub.bytes, edit.appendix]))
    expect(maxDiff(data(out.last_hidden_state), data((await reference()).reference_hidden))).toBeLessThan(1e-5)
  })
})

describe('planVisionEdit on a DINOv2-shaped ViT', () => {
  it('adds only the last block attention, found from last_hidden_state', async () => {
    const hub = makeHubVision({ outputs: 'dinov2', attention: '4d' })
    const edit = planVisionEdit(readOnnxGraph(hub.bytes), { hiddenOutput: 'last_hidden_state', attention: { heads: 2, tokens: hub.tokens } })
    expect(edit.added).toEqual({ attentions: 'attentions' })
    expect(edit.found.softmax).toBe('/encoder/layer.1/attention/attention/Softmax')
    const out = await runAll(concat([hub.bytes, edit.appendix]))
    const a = data(out.attentions)
    expect(out.attentions.dims).toEqual([B, 2, hub.tokens, hub.tokens])
    for (let r = 0; r < B * 2 * hub.tokens; r++) expect(a.subarray(r * hub.tokens, (r + 1) * hub.tokens).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5)
  })
})
