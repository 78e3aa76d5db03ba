/**
 * The models `tokenscope models pull <id>` can download: public ONNX exports on the Hugging Face
 * hub that need no Python (the exports transformers.js uses), each pinned to a repository commit.
 *
 * A file's size and SHA-256 are given where they were confirmed by independent sources (projects
 * that verify these very files after download, and the hub's own file pages). Where they were not
 * (`sha256` absent), the pull verifies the download against the hub's own digest of the file (the
 * `X-Linked-Etag` SHA-256 of a large file, the git blob id of a small one), records the SHA-256 in
 * the installed manifest ("pinned at first verified download") and prints it, so it can be added
 * here. A model without a pinned `revision` is pinned the same way: to the commit `main` resolved
 * to at that download (the hub's `X-Repo-Commit`), for every file of the pull.
 *
 * Vision files are the fp32 exports: the int8-quantized ones give machine-dependent tokens.
 */

export type CatalogFamily = 'clip' | 'siglip' | 'dinov2'

export type CatalogFileRole = 'vision' | 'text' | 'tokenizer' | 'tokenizerConfig' | 'config' | 'preprocessor'

export interface CatalogFile {
  /** Path in the repository (and in the installed model folder). */
  path: string
  role: CatalogFileRole
  bytes?: number
  sha256?: string
}

export interface CatalogModel {
  id: string
  name: string
  /** What the model is and what TokenScope takes from it, in plain words. */
  description: string
  licence: string
  /** The original model's page (the weights' authors). */
  homepage: string
  family: CatalogFamily
  repo: string
  /** A full commit id; absent: pinned at the first download (see above). */
  revision?: string
  files: CatalogFile[]
  /** Download size, for the listing (the files' sizes where known, the hub's listing otherwise). */
  approxBytes: number
}

const CLIP_DESCRIPTION =
  'patch tokens: the last encoder layer (before the post-LayerNorm), {d}-d; class token; class attention: the last block\'s softmax (graph edit at pull); ' +
  'text tower (77 tokens) with frame and per-patch embeddings in the joint {p}-d space.'

export const CATALOG: readonly CatalogModel[] = [
  {
    id: 'clip-vit-b32',
    name: 'CLIP ViT-B/32 (OpenAI)',
    description: `OpenAI CLIP ViT-B/32 at 224 px, 7×7 patches. ${CLIP_DESCRIPTION.replace('{d}', '768').replace('{p}', '512')}`,
    licence: 'MIT (OpenAI CLIP)',
    homepage: 'https://huggingface.co/openai/clip-vit-base-patch32',
    family: 'clip',
    repo: 'Xenova/clip-vit-base-patch32',
    revision: 'd15189d7028b43f1d3e65039190477f6af591c2a',
    files: [
      { path: 'onnx/vision_model.onnx', role: 'vision', bytes: 351_685_709, sha256: 'fd6e1402a588279d1723c7534d4bcba5bc0b14b47dfab0e46f8c47b8270d7d40' },
      { path: 'onnx/text_model.onnx', role: 'text', bytes: 254_058_553, sha256: '3f6571f5bad13a97c469c1622e1cfc4d9aef78b79fdbfcff804ca357bfada8cc' },
      { path: 'tokenizer.json', role: 'tokenizer', bytes: 2_224_119, sha256: 'f7f3b7af117d467b58374797691a6438d3e6b9e9cef800dfd5dced7f697a90cd' },
      { path: 'tokenizer_config.json', role: 'tokenizerConfig' },
      { path: 'config.json', role: 'config' },
      { path: 'preprocessor_config.json', role: 'preprocessor' },
    ],
    approxBytes: 608_000_000,
  },
  {
    id: 'clip-vit-b16',
    name: 'CLIP ViT-B/16 (OpenAI)',
    description: `OpenAI CLIP ViT-B/16 at 224 px, 14×14 patches. ${CLIP_DESCRIPTION.replace('{d}', '768').replace('{p}', '512')}`,
    licence: 'MIT (OpenAI CLIP)',
    homepage: 'https://huggingface.co/openai/clip-vit-base-patch16',
    family: 'clip',
    repo: 'Xenova/clip-vit-base-patch16',
    files: [
      { path: 'onnx/vision_model.onnx', role: 'vision' },
      { path: 'onnx/text_model.onnx', role: 'text' },
      { path: 'tokenizer.json', role: 'tokenizer' },
      { path: 'tokenizer_config.json', role: 'tokenizerConfig' },
      { path: 'config.json', role: 'config' },
      { path: 'preprocessor_config.json', role: 'preprocessor' },
    ],
    approxBytes: 602_000_000,
  },
  {
    id: 'siglip-b16-224',
    name: 'SigLIP ViT-B/16 224 (Google)',
    description:
      'Google SigLIP base/16 at 224 px, 14×14 patches. patch tokens: the last layer after its LayerNorm, 768-d, no class token; global token and frame embedding: ' +
      'the attention-pooling head (pooler_output); no class attention; text tower (64 tokens) in the joint 768-d space (frame level only: the patches are not in it).',
    licence: 'Apache-2.0',
    homepage: 'https://huggingface.co/google/siglip-base-patch16-224',
    family: 'siglip',
    repo: 'Xenova/siglip-base-patch16-224',
    revision: '4649052661e53c7000355844105f8a1792088239',
    files: [
      { path: 'onnx/vision_model.onnx', role: 'vision', bytes: 371_819_850, sha256: 'f89d41bac7f4d4b87e010a467d93f98689d708916ed22f5a07f96fdfa26f475f' },
      { path: 'onnx/text_model.onnx', role: 'text', bytes: 441_332_132, sha256: '3aa7fdbd20eaa8740cce17bf82913de641fcb632a768fed59f661cdcd0c32553' },
      { path: 'tokenizer.json', role: 'tokenizer', bytes: 2_398_744, sha256: '4a17c975210be5ab4c36b47d8dae4eefb866dbfb1e676e394aad85dc30a3ae08' },
      { path: 'tokenizer_config.json', role: 'tokenizerConfig' },
      { path: 'config.json', role: 'config' },
      { path: 'preprocessor_config.json', role: 'preprocessor' },
    ],
    approxBytes: 816_000_000,
  },
  {
    id: 'dinov2-small',
    name: 'DINOv2 ViT-S/14 (Meta)',
    description:
      'Meta DINOv2 small (self-supervised) at 224 px, 16×16 patches. patch tokens: the last layer after its LayerNorm, 384-d; class token; class attention: the last ' +
      "block's softmax (graph edit at pull); no text tower. Frames are center-cropped over the whole short side (DINOv2's processor resizes to 256 and crops 224).",
    licence: 'Apache-2.0',
    homepage: 'https://huggingface.co/facebook/dinov2-small',
    family: 'dinov2',
    repo: 'Xenova/dinov2-small',
    revision: 'c2bb04a51fab207c420665f1946016107bffc701',
    files: [
      { path: 'onnx/model.onnx', role: 'vision' },
      { path: 'config.json', role: 'config' },
      { path: 'preprocessor_config.json', role: 'preprocessor' },
    ],
    approxBytes: 89_000_000,
  },
]

export function catalogModel(id: string, catalog: readonly CatalogModel[] = CATALOG): CatalogModel | undefined {
  return catalog.find((m) => m.id === id)
}
