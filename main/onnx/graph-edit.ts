/**
 * The graph edit `tokenscope models pull` applies to a downloaded vision tower, so that a model
 * whose export hides them gives what the methods need:
 *
 * - `last_hidden_state` [B, T, D]: the encoder output before the post-LayerNorm (CLIP exports made
 *   with CLIPVisionModelWithProjection output only `image_embeds`). Found by walking back from the
 *   pooled output to the `Gather(axis = 1, index 0)` that takes the class row: its input is the
 *   encoder output. Same convention as HF's `last_hidden_state` of CLIPVisionModel.
 * - `patch_embeds` [B, T, P]: every token through the same post-LayerNorm and projection as the
 *   class token, i.e. each patch in the joint (text) space, for per-patch text relevance. Built by
 *   cloning the nodes between the Gather and `image_embeds`, fed with the whole hidden state
 *   instead of the class row; only element-wise / last-axis ops are cloned (a clone of anything
 *   else could mix tokens), otherwise patch_embeds is skipped. Row 0 equals `image_embeds`.
 * - `attentions` [B, H, T, T]: the softmax of the last attention block. Found by name
 *   (`…/encoder/layers.{i}/self_attn/Softmax`, `…/encoder/layer.{i}/attention/attention/Softmax`,
 *   largest i, never a pooling head's) and, when no name matches, as the last Softmax in graph
 *   order that feeds the hidden state. HF CLIP exports compute attention per (batch·head) ([B·H,
 *   T, T], head-major), SDPA-era and DINOv2 exports per [B, H, T, T]: a Reshape to [−1, H, T, T]
 *   gives the 4-D form from either. Exports with fused attention kernels have no Softmax: then
 *   there is no class attention, and the model keeps the saliency proxy.
 *
 * The edit is append-only: the new nodes, initializers and outputs go into a second graph field
 * after the original bytes (graph.ts graphAppendix), which protobuf merges into the first. A
 * 350 MB download is never decoded or re-encoded. The pull step checks the result on a probe run
 * (model-check in main/models/pull.ts): shapes, attention rows summing to 1, row 0 of patch_embeds
 * equal to image_embeds.
 */
import { graphAppendix, type Node, tensor, value } from './graph'
import type { GraphInfo, NodeInfo } from './read'

export const EDIT_RECIPE = 'tokenscope-graph-edit-1'

/** What the edit should add. */
export interface VisionEditRequest {
  /** The pooled, projected output to walk back from (CLIP: 'image_embeds'); absent: no hidden state / patch embeddings. */
  pooledOutput?: string
  /** Clone the head after the class row into patch_embeds (default true; needs pooledOutput). */
  patchEmbeds?: boolean
  /** The hidden-state output that already exists (DINOv2, SigLIP: 'last_hidden_state'), used to find the attention feeding it. */
  hiddenOutput?: string
  /** Expose the last block's attention: heads H and tokens T (class/register rows + patches). */
  attention?: { heads: number; tokens: number }
}

export interface VisionEdit {
  /** Output names added, by role. */
  added: { lastHiddenState?: string; patchEmbeds?: string; attentions?: string }
  /** Node names the edit read from (for the installed manifest's record). */
  found: { hidden?: string; softmax?: string }
  /** Why something asked for was not added, one line each. */
  skipped: string[]
  /** The bytes to append to the model file (empty when nothing is added). */
  appendix: Uint8Array
}

export const OUTPUT_NAMES = { lastHiddenState: 'last_hidden_state', patchEmbeds: 'patch_embeds', attentions: 'attentions' } as const

/** Ops that act on each token's vector alone (or broadcast a constant): safe to apply to all T rows. */
const ROW_WISE_OPS = new Set(['LayerNormalization', 'ReduceMean', 'Sub', 'Pow', 'Add', 'Sqrt', 'Div', 'Mul', 'MatMul', 'Identity', 'Cast', 'DynamicQuantizeLinear', 'MatMulInteger'])

interface Index {
  producer: Map<string, NodeInfo>
  graph: GraphInfo
}

const indexGraph = (graph: GraphInfo): Index => {
  const producer = new Map<string, NodeInfo>()
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n)
  return { producer, graph }
}

/** The nodes `value` depends on (transitively), by identity. */
function ancestors(ix: Index, value: string): Set<NodeInfo> {
  const seen = new Set<NodeInfo>()
  const stack = [value]
  while (stack.length) {
    const n = ix.producer.get(stack.pop()!)
    if (!n || seen.has(n)) continue
    seen.add(n)
    stack.push(...n.inputs.filter(Boolean))
  }
  return seen
}

/** The values computed from `value` (transitively), including it. */
function descendantValues(graph: GraphInfo, value: string): Set<string> {
  const reached = new Set([value])
  for (const n of graph.nodes) if (n.inputs.some((i) => reached.has(i))) for (const o of n.outputs) reached.add(o)
  return reached
}

/** The constant value of `name` when it is a small initializer or a Constant node's tensor. */
function constantValues(ix: Index, name: string): { dims: number[]; values?: number[] } | undefined {
  const init = ix.graph.initializers.get(name)
  if (init) return init
  const n = ix.producer.get(name)
  const v = n?.op === 'Constant' ? n.attrs.value : undefined
  return v && 't' in v ? v.t : undefined
}

const intAttr = (n: NodeInfo, key: string, fallback: number): number => {
  const a = n.attrs[key]
  return a && 'i' in a ? a.i : fallback
}

/** The Gather(axis 1, scalar index 0) that takes the class row, nearest to `pooled` going back. */
function findClassGather(ix: Index, pooled: string): NodeInfo | undefined {
  let frontier = [pooled]
  const seen = new Set<string>()
  while (frontier.length) {
    const next: string[] = []
    for (const v of frontier) {
      const n = ix.producer.get(v)
      if (!n || seen.has(n.name + '\0' + v)) continue
      seen.add(n.name + '\0' + v)
      if (n.op === 'Gather' && intAttr(n, 'axis', 0) === 1) {
        const c = constantValues(ix, n.inputs[1])
        if (c && c.dims.length === 0 && c.values?.[0] === 0) return n
      }
      next.push(...n.inputs.filter(Boolean))
    }
    frontier = next
  }
  return undefined
}

/** Whether a ReduceMean reduces only the last axis (attribute axes, or the axes input at opset ≥ 18). */
function reducesLastAxis(ix: Index, n: NodeInfo): boolean {
  const attr = n.attrs.axes
  const axes = attr && 'ints' in attr ? attr.ints : n.inputs[1] ? constantValues(ix, n.inputs[1])?.values : undefined
  return axes?.length === 1 && axes[0] === -1
}

const LAYER_SOFTMAX = /\/encoder\/layers?\.(\d+)\/(self_attn|attention(\/attention)?)\/Softmax(_\d+)?$/

/** The last attention block's Softmax: by name when the exporter's names are there, else structurally. */
function findLastSoftmax(ix: Index, hidden: string): NodeInfo | undefined {
  const feeding = ancestors(ix, hidden)
  const softmaxes = ix.graph.nodes.filter((n) => n.op === 'Softmax' && feeding.has(n) && !/\/head\//.test(n.name))
  let best: NodeInfo | undefined
  let bestLayer = -1
  for (const n of softmaxes) {
    const m = LAYER_SOFTMAX.exec(n.name)
    if (m && Number(m[1]) > bestLayer) {
      best = n
      bestLayer = Number(m[1])
    }
  }
  return best ?? softmaxes.at(-1)
}

/**
 * Plans the edit on a model's graph (read with read.ts). Nothing is found by name alone: every
 * node is checked for the op and the structure the edit relies on, and anything not found is
 * listed in `skipped` with the reason.
 */
export function planVisionEdit(graph: GraphInfo, req: VisionEditRequest): VisionEdit {
  const ix = indexGraph(graph)
  const nodes: Node[] = []
  const initializers = []
  const outputs = []
  const added: VisionEdit['added'] = {}
  const found: VisionEdit['found'] = {}
  const skipped: string[] = []
  const taken = new Set([...graph.outputs, ...graph.nodes.flatMap((n) => n.outputs)])
  const fresh = (name: string) => {
    if (taken.has(name)) throw new Error(`graph edit: the model already has a value named '${name}'`)
    taken.add(name)
    return name
  }

  let hidden = req.hiddenOutput
  if (req.pooledOutput) {
    const gather = graph.outputs.includes(req.pooledOutput) ? findClassGather(ix, req.pooledOutput) : undefined
    if (!gather) {
      skipped.push(`last_hidden_state: no Gather of the class row (axis 1, index 0) feeds '${req.pooledOutput}'`)
    } else {
      hidden = gather.inputs[0]
      found.hidden = hidden
      if (!graph.outputs.includes(OUTPUT_NAMES.lastHiddenState)) {
        nodes.push({ op: 'Identity', inputs: [hidden], outputs: [fresh(OUTPUT_NAMES.lastHiddenState)], name: 'tokenscope/last_hidden_state' })
        outputs.push(value(OUTPUT_NAMES.lastHiddenState, 'float'))
        added.lastHiddenState = OUTPUT_NAMES.lastHiddenState
      }
      // The head between the class row and the pooled output, cloned for every row.
      const onPath = ancestors(ix, req.pooledOutput)
      const fromGather = descendantValues(graph, gather.outputs[0])
      const head = graph.nodes.filter((n) => onPath.has(n) && n.inputs.some((i) => fromGather.has(i)))
      const bad = head.find((n) => !ROW_WISE_OPS.has(n.op) || (n.op === 'ReduceMean' && !reducesLastAxis(ix, n)))
      const wanted = req.patchEmbeds !== false
      if (wanted && bad) {
        skipped.push(`patch_embeds: the head after the class row has '${bad.op}' (${bad.name}), which may mix tokens`)
      } else if (wanted) {
        const renamed = new Map([[gather.outputs[0], hidden]])
        const pooledProducer = ix.producer.get(req.pooledOutput)
        for (const n of head) {
          const outs = n.outputs.map((o) => {
            const name = fresh(n === pooledProducer && o === req.pooledOutput ? OUTPUT_NAMES.patchEmbeds : `tokenscope/${o}`)
            renamed.set(o, name)
            return name
          })
          nodes.push({ op: n.op, inputs: n.inputs.map((i) => renamed.get(i) ?? i), outputs: outs, attrs: cloneAttrs(n), name: `tokenscope/${n.name}`, domain: n.domain || undefined })
        }
        outputs.push(value(OUTPUT_NAMES.patchEmbeds, 'float'))
        added.patchEmbeds = OUTPUT_NAMES.patchEmbeds
      }
    }
  }

  if (req.attention) {
    const softmax = hidden ? findLastSoftmax(ix, hidden) : undefined
    if (!hidden) skipped.push('attentions: no hidden state to find the last attention block from')
    else if (!softmax) {
      const fused = graph.nodes.find((n) => /Attention$/.test(n.op))
      skipped.push(`attentions: no Softmax feeds the hidden state${fused ? ` (the attention is a fused '${fused.op}' kernel)` : ''}`)
    } else {
      found.softmax = softmax.name
      const { heads, tokens } = req.attention
      const shape = tensor(fresh('tokenscope/attention_shape'), [4], BigInt64Array.of(-1n, BigInt(heads), BigInt(tokens), BigInt(tokens)))
      initializers.push(shape)
      nodes.push({ op: 'Reshape', inputs: [softmax.outputs[0], shape.name], outputs: [fresh(OUTPUT_NAMES.attentions)], name: 'tokenscope/attentions' })
      outputs.push(value(OUTPUT_NAMES.attentions, 'float'))
      added.attentions = OUTPUT_NAMES.attentions
    }
  }
  const appendix = nodes.length ? graphAppendix({ nodes, initializers, outputs }) : new Uint8Array(0)
  return { added, found, skipped, appendix }
}

/** A read node's attributes in the writer's form (the row-wise ops only carry ints, floats and strings). */
function cloneAttrs(n: NodeInfo): Node['attrs'] {
  const out: NonNullable<Node['attrs']> = {}
  for (const [k, a] of Object.entries(n.attrs)) {
    if ('i' in a) out[k] = a.i
    else if ('f' in a) out[k] = { float: a.f }
    else if ('s' in a) out[k] = a.s
    else if ('ints' in a) out[k] = a.ints
    else if ('floats' in a) out[k] = { floats: a.floats }
    else throw new Error(`graph edit: cannot copy attribute '${k}' of ${n.name}`)
  }
  return out
}
