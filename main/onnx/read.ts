/**
 * Protocol Buffers wire format, read side: just enough of an ONNX ModelProto to find nodes by
 * structure (graph edits at model-pull time, graph-edit.ts). Initializers are skipped by length,
 * so a 350 MB model is scanned without decoding its weights; only small tensors (shape and index
 * constants) keep their values.
 *
 * Written by hand for the same reason as protobuf.ts: a generic decoder (protobufjs + onnx.proto)
 * would materialise every weight as a JS object; this reader touches a few hundred nodes.
 * Field numbers follow onnx/onnx.proto.
 */

const utf8 = new TextDecoder()

/** A cursor over one message's bytes. */
class Reader {
  at: number
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.at = start
  }

  done(): boolean {
    return this.at >= this.end
  }

  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      if (this.at >= this.end) throw new RangeError('onnx: truncated varint')
      const b = this.bytes[this.at++]
      result |= BigInt(b & 0x7f) << shift
      if (!(b & 0x80)) return result
      shift += 7n
      if (shift > 63n) throw new RangeError('onnx: varint too long')
    }
  }

  /** A varint that fits a JS number (tags, lengths, enums, int64 dims). */
  int(): number {
    return Number(BigInt.asIntN(64, this.varint()))
  }

  /** The next field: its number, wire type, and (for wire type 2) the payload's range. */
  field(): { field: number; wire: number; start: number; end: number } {
    const tag = this.int()
    const field = tag >>> 3
    const wire = tag & 7
    if (wire === 2) {
      const len = this.int()
      const start = this.at
      if (start + len > this.end) throw new RangeError('onnx: length-delimited field runs past its message')
      this.at = start + len
      return { field, wire, start, end: start + len }
    }
    const start = this.at
    if (wire === 0) this.varint()
    else if (wire === 1) this.at += 8
    else if (wire === 5) this.at += 4
    else throw new RangeError(`onnx: unsupported wire type ${wire}`)
    return { field, wire, start, end: this.at }
  }

  sub(f: { start: number; end: number }): Reader {
    return new Reader(this.bytes, f.start, f.end)
  }

  text(f: { start: number; end: number }): string {
    return utf8.decode(this.bytes.subarray(f.start, f.end))
  }

  /** The value of a wire-type-0 field that was just read. */
  intAt(f: { start: number; end: number }): number {
    return new Reader(this.bytes, f.start, f.end).int()
  }

  floatAt(f: { start: number }): number {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + f.start, 4).getFloat32(0, true)
  }
}

/** A tensor's header, and its values when it is small (≤ SMALL_TENSOR_VALUES elements). */
export interface TensorInfo {
  name: string
  dims: number[]
  /** onnx TensorProto.DataType: 1 float, 7 int64, … */
  dataType: number
  /** Values of a small float or int64 tensor; undefined for large ones. */
  values?: number[]
}

export type AttrValue = { i: number } | { f: number } | { s: string } | { ints: number[] } | { floats: number[] } | { t: TensorInfo } | { other: number }

export interface NodeInfo {
  name: string
  op: string
  domain: string
  inputs: string[]
  outputs: string[]
  attrs: Record<string, AttrValue>
}

export interface GraphInfo {
  /** Nodes in file order (ONNX requires topological order). */
  nodes: NodeInfo[]
  /** Initializers by name (small ones with values). */
  initializers: Map<string, TensorInfo>
  inputs: string[]
  outputs: string[]
  /** Opset of the default (ai.onnx) domain. */
  opset: number
}

const SMALL_TENSOR_VALUES = 64

function readTensor(r: Reader): TensorInfo {
  const t: TensorInfo = { name: '', dims: [], dataType: 0 }
  let raw: { start: number; end: number } | undefined
  const ints: number[] = []
  const floats: number[] = []
  while (!r.done()) {
    const f = r.field()
    if (f.field === 1 && f.wire === 0) t.dims.push(r.intAt(f))
    else if (f.field === 1 && f.wire === 2) {
      const p = r.sub(f)
      while (!p.done()) t.dims.push(p.int())
    } else if (f.field === 2) t.dataType = r.intAt(f)
    else if (f.field === 8) t.name = r.text(f)
    else if (f.field === 9) raw = f
    else if (f.field === 7 && f.wire === 2) {
      const p = r.sub(f)
      while (!p.done()) ints.push(p.int())
    } else if (f.field === 7 && f.wire === 0) ints.push(r.intAt(f))
    else if (f.field === 4 && f.wire === 2) {
      for (let o = f.start; o + 4 <= f.end; o += 4) floats.push(r.floatAt({ start: o }))
    } else if (f.field === 4 && f.wire === 5) floats.push(r.floatAt(f))
  }
  const size = t.dims.reduce((a, b) => a * b, 1)
  if (size <= SMALL_TENSOR_VALUES) {
    if (raw) {
      const view = new DataView(r.bytes.buffer, r.bytes.byteOffset + raw.start, raw.end - raw.start)
      if (t.dataType === 7) t.values = Array.from({ length: view.byteLength / 8 }, (_, i) => Number(view.getBigInt64(8 * i, true)))
      else if (t.dataType === 1) t.values = Array.from({ length: view.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true))
    } else if (ints.length) t.values = ints
    else if (floats.length) t.values = floats
  }
  return t
}

function readAttr(r: Reader): [string, AttrValue] {
  let name = ''
  let type = 0
  let value: AttrValue | undefined
  const ints: number[] = []
  const floats: number[] = []
  while (!r.done()) {
    const f = r.field()
    if (f.field === 1) name = r.text(f)
    else if (f.field === 20) type = r.intAt(f)
    else if (f.field === 2) value = { f: r.floatAt(f) }
    else if (f.field === 3) value = { i: r.intAt(f) }
    else if (f.field === 4) value = { s: r.text(f) }
    else if (f.field === 5) value = { t: readTensor(r.sub(f)) }
    else if (f.field === 8 && f.wire === 0) ints.push(r.intAt(f))
    else if (f.field === 8 && f.wire === 2) {
      const p = r.sub(f)
      while (!p.done()) ints.push(p.int())
    } else if (f.field === 7 && f.wire === 5) floats.push(r.floatAt(f))
    else if (f.field === 7 && f.wire === 2) for (let o = f.start; o + 4 <= f.end; o += 4) floats.push(r.floatAt({ start: o }))
  }
  if (type === 7) value = { ints }
  else if (type === 6) value = { floats }
  return [name, value ?? (ints.length ? { ints } : { other: type })]
}

function readNode(r: Reader): NodeInfo {
  const n: NodeInfo = { name: '', op: '', domain: '', inputs: [], outputs: [], attrs: {} }
  while (!r.done()) {
    const f = r.field()
    if (f.field === 1) n.inputs.push(r.text(f))
    else if (f.field === 2) n.outputs.push(r.text(f))
    else if (f.field === 3) n.name = r.text(f)
    else if (f.field === 4) n.op = r.text(f)
    else if (f.field === 7) n.domain = r.text(f)
    else if (f.field === 5) {
      const [k, v] = readAttr(r.sub(f))
      n.attrs[k] = v
    }
  }
  return n
}

/** ValueInfoProto: only its name. */
function valueName(r: Reader): string {
  while (!r.done()) {
    const f = r.field()
    if (f.field === 1) return r.text(f)
  }
  return ''
}

/**
 * The graph of an ONNX model: nodes, initializer names (values of small ones), inputs, outputs.
 * A ModelProto with several graph fields (an appended edit, graph-edit.ts) reads as protobuf
 * merges them: the later fields' nodes, initializers and outputs are appended.
 */
export function readOnnxGraph(bytes: Uint8Array): GraphInfo {
  const g: GraphInfo = { nodes: [], initializers: new Map(), inputs: [], outputs: [], opset: 0 }
  const top = new Reader(bytes)
  while (!top.done()) {
    const f = top.field()
    if (f.field === 8 && f.wire === 2) {
      // OperatorSetIdProto: domain (1), version (2)
      const p = top.sub(f)
      let domain = ''
      let version = 0
      while (!p.done()) {
        const o = p.field()
        if (o.field === 1) domain = p.text(o)
        else if (o.field === 2) version = p.intAt(o)
      }
      if (domain === '' || domain === 'ai.onnx') g.opset = version
    }
    if (f.field !== 7 || f.wire !== 2) continue
    const r = top.sub(f)
    while (!r.done()) {
      const gf = r.field()
      if (gf.field === 1) g.nodes.push(readNode(r.sub(gf)))
      else if (gf.field === 5) {
        const t = readTensor(r.sub(gf))
        g.initializers.set(t.name, t)
      } else if (gf.field === 11) g.inputs.push(valueName(r.sub(gf)))
      else if (gf.field === 12) g.outputs.push(valueName(r.sub(gf)))
    }
  }
  // Initializers may also be listed as graph inputs (IR < 4): those are not real inputs.
  g.inputs = g.inputs.filter((name) => !g.initializers.has(name))
  return g
}
