/**
 * The manifest of a pulled model, written from the repository's own files: `config.json` (the
 * architecture: image and patch size, width, heads, the text context and embedding width) and
 * `preprocessor_config.json` (input size, normalisation, crop), with Hugging Face's default for
 * any value a config leaves out (transformers saves only values that differ from its defaults).
 * Output names are those of the transformers.js exports plus what the pull's graph edit added.
 * Everything here is checked again on a probe run before the manifest is written.
 */
import type { ModelManifest, PullRecord, ResizeMode } from '../encoder/manifest'
import type { VisionEditRequest } from '../onnx/graph-edit'
import type { CatalogFamily, CatalogModel } from './catalog'

type Json = Record<string, unknown>

/** transformers' defaults for the values the configs may omit. */
const DEFAULTS: Record<CatalogFamily, { image: number; patch: number; hidden: number; heads: number; textLength: number; textDim: number; mean: number[]; std: number[] }> = {
  clip: { image: 224, patch: 32, hidden: 768, heads: 12, textLength: 77, textDim: 512, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] },
  siglip: { image: 224, patch: 16, hidden: 768, heads: 12, textLength: 64, textDim: 768, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  dinov2: { image: 224, patch: 14, hidden: 768, heads: 12, textLength: 0, textDim: 0, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined)
const obj = (x: unknown): Json => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Json) : {})
const triple = (x: unknown): [number, number, number] | undefined =>
  Array.isArray(x) && x.length === 3 && x.every((v) => typeof v === 'number') ? (x as [number, number, number]) : undefined

export interface VisionGeometry {
  imageSize: number
  patch: number
  grid: number
  hidden: number
  heads: number
  /** Rows before the patches in the encoder's output: class token (+ registers); 0 for SigLIP. */
  leading: number
}

export function visionGeometry(family: CatalogFamily, config: Json): VisionGeometry {
  const d = DEFAULTS[family]
  const v = family === 'dinov2' ? config : { ...obj(config.vision_config_dict), ...obj(config.vision_config) }
  const imageSize = num(v.image_size) ?? d.image
  const patch = num(v.patch_size) ?? d.patch
  const registers = family === 'dinov2' ? (num(config.num_register_tokens) ?? 0) : 0
  return {
    imageSize,
    patch,
    grid: Math.floor(imageSize / patch),
    hidden: num(v.hidden_size) ?? d.hidden,
    heads: num(v.num_attention_heads) ?? d.heads,
    leading: family === 'siglip' ? 0 : 1 + registers,
  }
}

/** The text tower's context length and embedding width. */
export function textGeometry(family: CatalogFamily, config: Json): { maxLength: number; embedDim: number; outputName: string } {
  const d = DEFAULTS[family]
  const t = { ...obj(config.text_config_dict), ...obj(config.text_config) }
  return {
    maxLength: num(t.max_position_embeddings) ?? d.textLength,
    embedDim: family === 'clip' ? (num(config.projection_dim) ?? d.textDim) : (num(t.hidden_size) ?? d.textDim),
    outputName: family === 'clip' ? 'text_embeds' : 'pooler_output',
  }
}

/** What the graph edit should expose for this family. */
export function editRequest(family: CatalogFamily, g: VisionGeometry): VisionEditRequest {
  const attention = { heads: g.heads, tokens: g.leading + g.grid * g.grid }
  if (family === 'clip') return { pooledOutput: 'image_embeds', attention }
  if (family === 'dinov2') return { hiddenOutput: 'last_hidden_state', attention }
  return {} // SigLIP: no class token, so no class attention; its outputs are all there
}

export function preprocessing(family: CatalogFamily, preprocessor: Json): { mean: [number, number, number]; std: [number, number, number]; resize: ResizeMode } {
  const d = DEFAULTS[family]
  const crop = preprocessor.do_center_crop ?? (preprocessor.crop_size !== undefined ? true : false)
  return {
    mean: triple(preprocessor.image_mean) ?? (d.mean as [number, number, number]),
    std: triple(preprocessor.image_std) ?? (d.std as [number, number, number]),
    resize: crop === true ? 'center-crop' : 'squash',
  }
}

export interface HubManifestInput {
  model: CatalogModel
  config: Json
  preprocessor: Json
  /** Path of each role's file, relative to the model folder. */
  files: Partial<Record<'vision' | 'text' | 'tokenizer' | 'tokenizerConfig', string>>
  /** Outputs the vision file has after the edit (verified). */
  visionOutputs: string[]
  /** Inputs of the text tower (to feed an attention mask when it takes one). */
  textInputs?: string[]
  pulled: PullRecord
}

export function hubManifest(h: HubManifestInput): ModelManifest {
  const { model, config, files, visionOutputs } = h
  const g = visionGeometry(model.family, config)
  const pre = preprocessing(model.family, h.preprocessor)
  const has = (name: string) => visionOutputs.includes(name)
  const outputs: ModelManifest['outputs'] = {
    patchTokens: { name: 'last_hidden_state', dropLeading: g.leading },
    classToken: model.family === 'siglip' ? { name: 'pooler_output' } : { name: 'last_hidden_state', index: 0 },
  }
  if (has('attentions')) outputs.importance = { name: 'attentions', kind: 'cls-attention', fromAttention: { dropLeading: g.leading } }
  let text: ModelManifest['text']
  if (files.text && files.tokenizer) {
    const t = textGeometry(model.family, config)
    text = { inputName: 'input_ids', outputName: t.outputName, maxLength: t.maxLength, embedDim: t.embedDim }
    if (h.textInputs?.includes('attention_mask')) text.attentionMaskName = 'attention_mask'
    outputs.frameEmbeds = { name: model.family === 'clip' ? 'image_embeds' : 'pooler_output' }
    if (has('patch_embeds')) outputs.patchEmbeds = { name: 'patch_embeds', dropLeading: g.leading }
  }
  return {
    id: model.id,
    name: model.name,
    description: model.description,
    licence: model.licence,
    source: `${model.homepage} (ONNX export: ${model.repo} at ${h.pulled.revision})`,
    files: {
      vision: files.vision!,
      ...(text ? { text: files.text, tokenizer: files.tokenizer, ...(files.tokenizerConfig ? { tokenizerConfig: files.tokenizerConfig } : {}) } : {}),
    },
    input: { size: [g.imageSize, g.imageSize], mean: pre.mean, std: pre.std, layout: 'NCHW', resize: pre.resize, inputName: 'pixel_values' },
    patchSize: g.patch,
    grid: { h: g.grid, w: g.grid },
    dim: g.hidden,
    outputs,
    ...(text ? { text } : {}),
    pulled: h.pulled,
  }
}
