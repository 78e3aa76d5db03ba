/**
 * Patch tokens of a sampled video, as the encoder produced them (after the token cache).
 *
 * Shapes, per sampled frame t of T: tokens [N, D] row-major (patch i at i*D, patches in raster
 * order of the h × w grid, N = h*w), cls [D], importance [N], frameEmbeds [P], patchEmbeds [N, P].
 */
export interface TokenGrid {
  /** Rows of patches. */
  h: number
  /** Columns of patches. */
  w: number
}

/**
 * Where a per-patch importance map comes from. `cls-attention` is a real ViT's class-token
 * attention (head-averaged); `saliency-proxy` is a cheaper stand-in (the built-in encoder's), and
 * every result computed from it says so.
 */
export type ImportanceKind = 'cls-attention' | 'saliency-proxy'

export interface VideoTokens {
  modelId: string
  grid: TokenGrid
  /** D, the feature width. */
  dim: number
  /** Presentation timestamp (seconds) of every sampled frame, ascending. [T] */
  pts: Float64Array
  /** [T] × Float32Array(N*D). */
  tokens: Float32Array[]
  /** [T] × Float32Array(D), when the model has a class / global token. */
  cls?: Float32Array[]
  /** [T] × Float32Array(N), non-negative, sums to 1 per frame, when the model provides one. */
  importance?: Float32Array[]
  importanceKind?: ImportanceKind
  /** P, the width of the text-space embeddings below (the text tower's embedding width). */
  embedDim?: number
  /**
   * [T] × Float32Array(P): each frame's pooled embedding in the model's joint image–text space (CLIP
   * image_embeds, SigLIP pooler_output), not normalised. What frame-level query relevance uses.
   */
  frameEmbeds?: Float32Array[]
  /** [T] × Float32Array(N*P): every patch in the joint space (CLIP: through the post-LN and projection). */
  patchEmbeds?: Float32Array[]
}

export const patchCount = (g: TokenGrid): number => g.h * g.w

/** The built-in encoder (a fixed DCT, not a learned model): methods that need to know say why where they ask. */
export const BUILTIN_MODEL_ID = 'tokenscope-dct16'

export const frameCount = (v: VideoTokens): number => v.tokens.length

