import { describe, expect, it } from 'vitest'
import * as ort from 'onnxruntime-node'
import { concat, varint } from './protobuf'
import { createBuilder, float, floats, graph, model, node, tensor, value } from './graph'
import { makeTinyTextEncoder, makeTinyVit } from '../../tests/fixtures/onnx-graphs'

const run = async (bytes: Uint8Array, feeds: Record<string, ort.Tensor>) => {
  const s = await ort.InferenceSession.create(bytes)
  try {
    return { out: await s.run(feeds), inputs: s.inputMetadata, outputs: s.outputMetadata }
  } finally {
    await s.release()
  }
}

describe('protobuf wire format', () => {
  it('writes varints like protobuf does', () => {
    expect([...varint(1)]).toEqual([1])
    expect([...varint(300)]).toEqual([0xac, 0x02])
    expect([...varint(2 ** 35)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
    // negative int64: 64-bit two's complement, 10 bytes
    expect([...varint(-1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
    expect([...concat([Uint8Array.of(1), Uint8Array.of(2, 3)])]).toEqual([1, 2, 3])
  })
})

describe('ONNX graph builder', () => {
  it('builds a model onnxruntime runs: float/int/ints/floats attributes, int64 and float initializers, symbolic batch', async () => {
    const b = createBuilder()
    const w = b.constant('w', [3, 2], [1, 2, 3, 4, 5, 6])
    const y = b.op('Mul', [b.op('MatMul', ['x', w]), b.constant('half', [1], [0.5])], undefined, 'y') // [B, 2]
    b.op('LeakyRelu', [y], { alpha: float(0.1) }, 'z')
    b.op('Reshape', [y, b.ints('shape', [-1])], undefined, 'flat') // int64 initializer, negative value
    b.op('Transpose', ['x'], { perm: [1, 0] }, 'xt')
    const bytes = model(
      graph({
        name: 'g',
        inputs: [value('x', 'float', ['batch', 3])],
        outputs: [value('y', 'float', ['batch', 2]), value('z', 'float', ['batch', 2]), value('flat', 'float', ['n']), value('xt', 'float', [3, 'batch']), value('c', 'float', [2])],
        nodes: [...b.nodes, node('Constant', [], ['c'], { value_floats: floats([1.5, -2]) })],
        initializers: b.initializers,
      }),
    )
    const { out, inputs } = await run(bytes, { x: new ort.Tensor('float32', Float32Array.from([1, 0, -1, 2, 2, 2]), [2, 3]) })
    // x @ w = [[1-5, 2-6], [2+6+10, 4+8+12]] = [[-4, -4], [18, 24]], times 0.5
    expect([...(out.y.data as Float32Array)]).toEqual([-2, -2, 9, 12])
    expect((out.z.data as Float32Array)[0]).toBeCloseTo(-0.2, 6)
    expect(out.flat.dims).toEqual([4])
    expect([...(out.xt.data as Float32Array)]).toEqual([1, 2, 0, 2, -1, 2])
    expect([...(out.c.data as Float32Array)]).toEqual([1.5, -2])
    expect(inputs[0]).toMatchObject({ name: 'x', shape: ['batch', 3] })
  })

  it('declares uint8 inputs (rgb bytes): Transpose then Cast to float', async () => {
    const b = createBuilder()
    b.op('Cast', [b.op('Transpose', ['rgb'], { perm: [0, 2, 1] })], { to: 1 }, 'y')
    const bytes = model(graph({ name: 'g', inputs: [value('rgb', 'uint8', ['batch', 2, 3])], outputs: [value('y', 'float', ['batch', 3, 2])], ...b }))
    const { out, inputs } = await run(bytes, { rgb: new ort.Tensor('uint8', Uint8Array.of(0, 1, 2, 253, 254, 255), [1, 2, 3]) })
    expect(inputs[0]).toMatchObject({ name: 'rgb', type: 'uint8' })
    expect([...(out.y.data as Float32Array)]).toEqual([0, 253, 1, 254, 2, 255])
  })

  it('rejects a non-integer plain-number attribute and a tensor whose data does not fit its dims', () => {
    expect(() => model(graph({ name: 'g', inputs: [], outputs: [], initializers: [], nodes: [node('LeakyRelu', ['x'], ['y'], { alpha: 0.1 })] }))).toThrow(/float\(\)/)
    expect(() => tensor('t', [2, 2], new Float32Array(3))).toThrow(/hold 4/)
  })
})

describe('fixtures (random weights)', () => {
  it('makeTinyVit has CLIP-shaped outputs; attention rows are probabilities', async () => {
    const bytes = makeTinyVit({ imageSize: 32, patch: 8, dim: 16, heads: 2, layers: 2, seed: 3 })
    const pixels = Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.37))
    const { out, outputs } = await run(bytes, { pixel_values: new ort.Tensor('float32', pixels, [2, 3, 32, 32]) })
    expect(outputs.map((o) => o.name)).toEqual(['last_hidden_state', 'pooler_output', 'attentions'])
    expect(out.last_hidden_state.dims).toEqual([2, 17, 16])
    expect(out.pooler_output.dims).toEqual([2, 16])
    expect(out.attentions.dims).toEqual([2, 2, 17, 17])
    const attn = out.attentions.data as Float32Array
    for (let r = 0; r < 2 * 2 * 17; r++) {
      let s = 0
      for (let j = 0; j < 17; j++) s += attn[r * 17 + j]
      expect(s).toBeCloseTo(1, 5)
    }
    const lhs = out.last_hidden_state.data as Float32Array
    expect(lhs.subarray(0, 16)).not.toEqual(lhs.subarray(17 * 16, 18 * 16))
  })

  it('makeTinyTextEncoder maps int64 ids to [B, E] embeddings, equal ids giving equal rows', async () => {
    const bytes = makeTinyTextEncoder({ vocab: 32, maxLength: 4, dim: 8, embedDim: 6 })
    const ids = BigInt64Array.from([1, 2, 3, 0, 1, 2, 3, 0, 5, 5, 5, 5], (v) => BigInt(v))
    const { out } = await run(bytes, { input_ids: new ort.Tensor('int64', ids, [3, 4]) })
    expect(out.text_embeds.dims).toEqual([3, 6])
    const e = out.text_embeds.data as Float32Array
    expect(e.subarray(0, 6)).toEqual(e.subarray(6, 12))
    expect(e.subarray(0, 6)).not.toEqual(e.subarray(12, 18))
  })
})
