/**
 * A scene-change signal from the grid of patch tokens ("structure"), for frame selection where the
 * model's global token cannot tell scenes apart: the built-in DCT model, whose global token is the
 * mean patch token, i.e. mostly the frame's average colour (two dark shots score 0.98–1.00 against
 * each other, and brightness flicker around mid-grey, where that mean is near zero, flips its sign).
 *
 * Shapes: tokens [N, D] per frame (patch i at i*D); T frames.
 *
 * Structure of frame t: its tokens minus the frame's mean token, S_t = X_t − 1·m_tᵀ [N, D] (removes
 * the overall colour and brightness, keeps where things are and their texture).
 * Similarity of frames a and b: the correlation of their structures
 *   sim(a, b) = ⟨S_a, S_b⟩ / (‖S_a‖ ‖S_b‖)   (sums over all N·D entries), in [−1, 1].
 * Scaling and offsetting a frame's pixels (flicker, exposure, a fade's gain) leaves it unchanged for
 * an encoder linear in the pixels, as the DCT is; unrelated pictures score about 0 however dark.
 * Flat frames (‖S_t‖ below 5 % of the median over the video: black, one flat colour) have no
 * structure to compare: two flat frames count as the same picture (1), a flat and a structured
 * frame as different ones (0), so a fade through black cuts where the picture vanishes and where
 * the next one appears, and nowhere in between.
 *
 * Cut score between frames t and t+1, after ffmpeg's scene score (which counts how much a frame
 * difference exceeds the previous one): with d_t = 1 − sim(t, t+1) and d_{−1} = 0,
 *   cut_t = max(0, d_t − d_{t−1})
 * A change that lasts (camera or object motion, a fade, a noisy or fast-changing shot) raises d over
 * many frames but scores only where it starts, so it cannot make a run of cuts; the price is that
 * a cut right after a frame that already changed a lot scores less.
 */
import type { VideoTokens } from '../../tokens'
import { BUILTIN_MODEL_ID, patchCount } from '../../tokens'
import type { ParamSpec } from '../types'

/**
 * The frame feature of scene-segments and keyframes-codec: `structure` (this file's signal), the
 * class token (`cls`), the mean patch token (`mean`), or `auto`: structure on the built-in DCT
 * model (its global token is the mean, see above), else the paper's frame feature (cls when the
 * model has one, else mean): real encoders keep the feature the papers use.
 */
export const sceneFeatureParam: ParamSpec = {
  type: 'enum',
  default: 'auto',
  options: ['auto', 'structure', 'cls', 'mean'],
  help: 'Frame feature compared: the patch-token structure (built-in model default), the class token (cls), the mean patch token (mean), or auto',
}

/** Whether `mode` (a sceneFeatureParam value) means the structure signal for this video. */
export const usesStructure = (video: VideoTokens, mode: string): boolean => mode === 'structure' || (mode === 'auto' && video.modelId === BUILTIN_MODEL_ID)

/** The frame feature `mode` comes to for this video, as the methods report it. */
export const sceneFeatureName = (video: VideoTokens, mode: string): 'structure' | 'cls' | 'mean' =>
  usesStructure(video, mode) ? 'structure' : video.cls && mode !== 'mean' ? 'cls' : 'mean'

/** A frame whose structure norm is below this share of the video's median has no structure. */
const FLAT_SHARE = 0.05

/** Per-frame summaries the similarities need: mean token [T] × [D], structure norm ‖S_t‖ [T], flat [T]. */
export interface FrameStructure {
  mean: Float64Array[]
  norm: Float64Array
  flat: Uint8Array
}

export function frameStructure(video: VideoTokens): FrameStructure {
  const n = patchCount(video.grid)
  const d = video.dim
  const T = video.tokens.length
  const mean: Float64Array[] = []
  const norm = new Float64Array(T)
  for (let t = 0; t < T; t++) {
    const x = video.tokens[t]
    const m = new Float64Array(d)
    let sq = 0
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        const v = x[i * d + k]
        m[k] += v
        sq += v * v
      }
    }
    let mm = 0
    for (let k = 0; k < d; k++) {
      m[k] /= n
      mm += m[k] * m[k]
    }
    mean.push(m)
    // ‖X − 1mᵀ‖² = ‖X‖² − N‖m‖²
    norm[t] = Math.sqrt(Math.max(0, sq - n * mm))
  }
  const sorted = Float64Array.from(norm).sort()
  const floor = FLAT_SHARE * (T ? sorted[T >> 1] : 0)
  const flat = Uint8Array.from(norm, (v) => (v <= floor ? 1 : 0))
  return { mean, norm, flat }
}

/** sim(a, b) as defined above: correlation of the two frames' structures; the flat-frame rules apply. */
export function structureSimilarity(video: VideoTokens, s: FrameStructure, a: number, b: number): number {
  if (s.flat[a] || s.flat[b]) return s.flat[a] && s.flat[b] ? 1 : 0
  const n = patchCount(video.grid)
  const d = video.dim
  const xa = video.tokens[a]
  const xb = video.tokens[b]
  let cross = 0
  for (let j = 0; j < n * d; j++) cross += xa[j] * xb[j]
  // ⟨X_a − 1m_aᵀ, X_b − 1m_bᵀ⟩ = ⟨X_a, X_b⟩ − N m_a·m_b
  let mm = 0
  for (let k = 0; k < d; k++) mm += s.mean[a][k] * s.mean[b][k]
  return (cross - n * mm) / (s.norm[a] * s.norm[b])
}

/** 1 − cut_t for each consecutive pair [T-1] (entry t: frames t and t+1): high within a scene, low at a cut. */
export function sceneSimilarity(video: VideoTokens, s: FrameStructure = frameStructure(video)): Float64Array {
  const T = video.tokens.length
  const out = new Float64Array(Math.max(0, T - 1))
  let previous = 0
  for (let t = 0; t + 1 < T; t++) {
    const change = 1 - structureSimilarity(video, s, t, t + 1)
    out[t] = 1 - Math.max(0, change - previous)
    previous = change
  }
  return out
}

/**
 * The frame of a..b-1 whose structure is closest to the chunk's mean structure (the mean of the
 * frames' unit-norm structures; earliest on ties): a chunk medoid by the same measure. A chunk of
 * flat frames gives its first frame.
 */
export function structureMedoid(video: VideoTokens, s: FrameStructure, a: number, b: number): number {
  const n = patchCount(video.grid)
  const d = video.dim
  const centre = new Float64Array(n * d)
  for (let t = a; t < b; t++) {
    if (s.flat[t]) continue
    const x = video.tokens[t]
    const m = s.mean[t]
    const inv = 1 / s.norm[t]
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) centre[i * d + k] += (x[i * d + k] - m[k]) * inv
  }
  let best = a
  let bestScore = -Infinity
  for (let t = a; t < b; t++) {
    if (s.flat[t]) continue
    const x = video.tokens[t]
    const m = s.mean[t]
    let score = 0
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) score += (x[i * d + k] - m[k]) * centre[i * d + k]
    score /= s.norm[t]
    if (score > bestScore) {
      bestScore = score
      best = t
    }
  }
  return best
}
