/**
 * A small builder for ONNX models, serialised by hand (no onnx / protobuf package needed).
 *
 * Describe a graph with plain objects (`value`, `tensor`, `node`, `graph`), then `model(g)` gives
 * the ModelProto bytes that onnxruntime loads. Field numbers follow onnx/onnx.proto (IR version 8,
 * the one that goes with opset 17). `createBuilder` adds auto-named intermediate values so that
 * graphs read like straight-line code.
 */
import {
  type Bytes,
  bytesField,
  concat,
  floatField,
  intField,
  littleEndianBytes,
  messageField,
  stringField,
} from './protobuf'

export type ElemType = 'float' | 'int64' | 'uint8'

/**
 * A graph input or output: name, element type and shape (a string is a symbolic dim, e.g. 'batch';
 * no shape = unknown, which onnxruntime accepts for outputs).
 */
export interface ValueInfo {
  name: string
  type: ElemType
  shape?: readonly (number | string)[]
}

/** A constant tensor (an initializer or a tensor attribute). Row-major data. */
export interface Tensor {
  name: string
  dims: readonly number[]
  data: Float32Array | BigInt64Array
}

/** Plain numbers are INT attributes; wrap floats with `float()` / `floats()` to say so. */
export type Attr = number | readonly number[] | string | Tensor | { float: number } | { floats: readonly number[] }

export interface Node {
  op: string
  inputs: readonly string[]
  outputs: readonly string[]
  attrs?: Record<string, Attr>
  name?: string
  /** Operator domain ('' = ai.onnx). */
  domain?: string
}

export interface Graph {
  name: string
  inputs: readonly ValueInfo[]
  outputs: readonly ValueInfo[]
  nodes: readonly Node[]
  initializers: readonly Tensor[]
  doc?: string
}

export interface ModelOptions {
  /** Default opset of the ai.onnx domain. Default 17. */
  opset?: number
  producer?: string
  doc?: string
  /** Stored in ModelProto.metadata_props (onnxruntime exposes them as custom metadata). */
  metadata?: Record<string, string>
}

export const value = (name: string, type: ElemType, shape?: readonly (number | string)[]): ValueInfo => ({ name, type, shape })

export function tensor(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): Tensor {
  const size = dims.reduce((a, b) => a * b, 1)
  if (size !== data.length) throw new RangeError(`tensor ${name}: dims [${dims}] hold ${size} values, data has ${data.length}`)
  return { name, dims, data }
}

export const node = (op: string, inputs: readonly string[], outputs: readonly string[], attrs?: Record<string, Attr>): Node => ({
  op,
  inputs,
  outputs,
  attrs,
})

export const graph = (spec: Graph): Graph => spec

export const float = (x: number): { float: number } => ({ float: x })
export const floats = (xs: readonly number[]): { floats: readonly number[] } => ({ floats: xs })

// ---- serialisation (field numbers from onnx.proto) ----

const DATA_TYPE: Record<ElemType, number> = { float: 1, uint8: 2, int64: 7 }
const IR_VERSION = 8
const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const

function encodeTensor(t: Tensor): Bytes[] {
  const type: ElemType = t.data instanceof Float32Array ? 'float' : 'int64'
  return [
    ...t.dims.map((d) => intField(1, d)), // dims (repeated, unpacked in proto2)
    intField(2, DATA_TYPE[type]), // data_type
    stringField(8, t.name), // name
    bytesField(9, littleEndianBytes(t.data)), // raw_data
  ]
}

function encodeValueInfo(v: ValueInfo): Bytes[] {
  const dims = v.shape?.map((d) => messageField(1, [typeof d === 'number' ? intField(1, d) : stringField(2, d)]))
  const tensorType = [intField(1, DATA_TYPE[v.type]), ...(dims ? [messageField(2, dims)] : [])] // elem_type, shape
  return [stringField(1, v.name), messageField(2, [messageField(1, tensorType)])] // name, type.tensor_type
}

function encodeAttr(name: string, a: Attr): Bytes[] {
  const fields = [stringField(1, name)]
  if (typeof a === 'number') {
    if (!Number.isInteger(a)) throw new TypeError(`attribute ${name}: ${a} is not an integer; wrap floats with float()`)
    fields.push(intField(20, ATTR_TYPE.INT), intField(3, a))
  } else if (typeof a === 'string') {
    fields.push(intField(20, ATTR_TYPE.STRING), stringField(4, a))
  } else if (Array.isArray(a)) {
    fields.push(intField(20, ATTR_TYPE.INTS), ...(a as number[]).map((x) => intField(8, x)))
  } else if ('float' in a) {
    fields.push(intField(20, ATTR_TYPE.FLOAT), floatField(2, a.float))
  } else if ('floats' in a) {
    fields.push(intField(20, ATTR_TYPE.FLOATS), ...a.floats.map((x) => floatField(7, x)))
  } else {
    fields.push(intField(20, ATTR_TYPE.TENSOR), messageField(5, encodeTensor(a as Tensor)))
  }
  return fields
}

function encodeNode(n: Node, index: number): Bytes[] {
  return [
    ...n.inputs.map((s) => stringField(1, s)),
    ...n.outputs.map((s) => stringField(2, s)),
    stringField(3, n.name ?? `${n.op}_${index}`),
    stringField(4, n.op),
    ...Object.entries(n.attrs ?? {}).map(([k, a]) => messageField(5, encodeAttr(k, a))),
    ...(n.domain ? [stringField(7, n.domain)] : []),
  ]
}

function encodeGraph(g: Graph): Bytes[] {
  return [
    ...g.nodes.map((n, i) => messageField(1, encodeNode(n, i))),
    stringField(2, g.name),
    ...g.initializers.map((t) => messageField(5, encodeTensor(t))),
    ...(g.doc ? [stringField(10, g.doc)] : []),
    ...g.inputs.map((v) => messageField(11, encodeValueInfo(v))),
    ...g.outputs.map((v) => messageField(12, encodeValueInfo(v))),
  ]
}

/** The ModelProto bytes of `g`. */
export function model(g: Graph, opts: ModelOptions = {}): Uint8Array {
  return concat([
    intField(1, IR_VERSION),
    stringField(2, opts.producer ?? 'tokenscope'),
    ...(opts.doc ? [stringField(6, opts.doc)] : []),
    messageField(7, encodeGraph(g)),
    messageField(8, [stringField(1, ''), intField(2, opts.opset ?? 17)]), // opset_import
    ...Object.entries(opts.metadata ?? {}).map(([k, v]) => messageField(14, [stringField(1, k), stringField(2, v)])),
  ])
}

/**
 * An appendix to an existing model: a second ModelProto.graph field holding only `nodes`,
 * `initializers` and `outputs`. Protobuf merges repeated occurrences of a singular message field,
 * so `concat([modelBytes, appendix])` is the model with these added to its graph, without decoding
 * or re-encoding the original (graph-edit.ts). Node names must be given and unique in the model.
 */
export function graphAppendix(part: Pick<Graph, 'nodes' | 'initializers' | 'outputs'>): Uint8Array {
  return messageField(7, [
    ...part.nodes.map((n, i) => messageField(1, encodeNode(n, i))),
    ...part.initializers.map((t) => messageField(5, encodeTensor(t))),
    ...part.outputs.map((v) => messageField(12, encodeValueInfo(v))),
  ])
}

// ---- builder ----

export interface Builder {
  nodes: Node[]
  initializers: Tensor[]
  /** Adds a node with one output and returns the output's name (`out`, or a fresh name). */
  op(op: string, inputs: readonly string[], attrs?: Record<string, Attr>, out?: string): string
  /** Adds a float initializer and returns its name. */
  constant(name: string, dims: readonly number[], data: Float32Array | number[]): string
  /** Adds a 1-D int64 initializer (shapes, axes, indices) and returns its name. */
  ints(name: string, values: readonly number[]): string
}

/** Straight-line graph construction: `const y = b.op('MatMul', [x, w])`. */
export function createBuilder(): Builder {
  const nodes: Node[] = []
  const initializers: Tensor[] = []
  const used = new Set<string>()
  const fresh = (base: string) => {
    let name = base
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`
    used.add(name)
    return name
  }
  return {
    nodes,
    initializers,
    op(op, inputs, attrs, out) {
      const output = out ?? fresh(`${op.toLowerCase()}_out`)
      used.add(output)
      nodes.push(node(op, inputs, [output], attrs))
      return output
    },
    constant(name, dims, data) {
      const t = tensor(fresh(name), dims, data instanceof Float32Array ? data : Float32Array.from(data))
      initializers.push(t)
      return t.name
    },
    ints(name, values) {
      const t = tensor(fresh(name), [values.length], BigInt64Array.from(values, (v) => BigInt(v)))
      initializers.push(t)
      return t.name
    },
  }
}
