/**
 * Estimated LLM prefill cost of a prompt of n tokens (visual + text), for choosing how much a
 * token budget saves.
 *
 * FLOPs (1 multiply-add = 2 FLOPs) of one decoder layer on n tokens, hidden size d, intermediate
 * size I, h query heads and h_kv key/value heads of width d/h (so d_kv = h_kv·d/h, grouped-query
 * attention when h_kv < h):
 *
 *   projections  Q and O: 2·(2·n·d²)  K and V: 2·(2·n·d·d_kv)
 *   gated MLP (SwiGLU, three d×I matrices: gate, up, down): 2·(3·n·d·I)
 *   attention    scores QKᵀ and weights×V over all n² pairs: 2·(2·n²·d)
 *
 *   flops(n) = layers × 2 × (2·n·d² + 2·n·d·d_kv + 3·n·d·I + 2·n²·d)
 *
 * With h_kv = h and a plain 4× MLP (2 matrices) this is the familiar layers × (24·n·d² + 4·n²·d).
 * Left out, as small beside these: norms, rotary embeddings, softmax, embedding lookup and the LM
 * head (prefill needs logits for the last position only). The attention term counts the full
 * n × n matrix (what dense kernels compute; a causal-aware kernel does about half).
 */

export interface LlmPreset {
  id: string
  name: string
  layers: number
  hidden: number
  intermediate: number
  heads: number
  kvHeads: number
}

/** Real configurations (Hugging Face config.json of each model). */
export const llmPresets: readonly LlmPreset[] = [
  { id: 'qwen2-0.5b', name: 'Qwen2-0.5B', layers: 24, hidden: 896, intermediate: 4864, heads: 14, kvHeads: 2 },
  { id: 'qwen2-1.5b', name: 'Qwen2-1.5B', layers: 28, hidden: 1536, intermediate: 8960, heads: 12, kvHeads: 2 },
  { id: 'vicuna-7b', name: 'Vicuna-7B / LLaMA-7B', layers: 32, hidden: 4096, intermediate: 11008, heads: 32, kvHeads: 32 },
  { id: 'qwen2-7b', name: 'Qwen2-7B', layers: 28, hidden: 3584, intermediate: 18944, heads: 28, kvHeads: 4 },
  { id: 'llama-13b', name: 'LLaMA-13B / Vicuna-13B', layers: 40, hidden: 5120, intermediate: 13824, heads: 40, kvHeads: 40 },
  { id: 'yi-34b', name: 'Yi-34B', layers: 60, hidden: 7168, intermediate: 20480, heads: 56, kvHeads: 8 },
  { id: 'qwen2-72b', name: 'Qwen2-72B', layers: 80, hidden: 8192, intermediate: 29568, heads: 64, kvHeads: 8 },
]

export const DEFAULT_LLM = 'qwen2-7b'
export const DEFAULT_TEXT_TOKENS = 64

export function getLlmPreset(id: string): LlmPreset {
  const p = llmPresets.find((x) => x.id === id)
  if (!p) throw new Error(`unknown LLM preset '${id}' (have: ${llmPresets.map((x) => x.id).join(', ')})`)
  return p
}

/** Prefill FLOPs of `n` tokens on `llm` (formula above). */
export function prefillFlops(llm: LlmPreset, n: number): number {
  const d = llm.hidden
  const dkv = (llm.kvHeads * d) / llm.heads
  return llm.layers * 2 * (2 * n * d * d + 2 * n * d * dkv + 3 * n * d * llm.intermediate + 2 * n * n * d)
}

export interface PrefillEstimate {
  llm: string
  textTokens: number
  /** FLOPs with every visual token. */
  flopsAll: number
  /** FLOPs with the method's output tokens. */
  flopsKept: number
  /** flopsAll / flopsKept. */
  speedup: number
}

/** Cost of all visual tokens + text against kept tokens + text, on the preset `llmId`. */
export function prefillEstimate(visualIn: number, visualOut: number, llmId: string = DEFAULT_LLM, textTokens = DEFAULT_TEXT_TOKENS): PrefillEstimate {
  const llm = getLlmPreset(llmId)
  const flopsAll = prefillFlops(llm, visualIn + textTokens)
  const flopsKept = prefillFlops(llm, visualOut + textTokens)
  return { llm: llm.id, textTokens, flopsAll, flopsKept, speedup: flopsKept > 0 ? flopsAll / flopsKept : Infinity }
}
