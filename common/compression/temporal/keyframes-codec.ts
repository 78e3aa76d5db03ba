import { allocateByWeights } from '../allocation'
import { frameSelectionMethod } from '../define'
import { globalFeatures } from './global-features'
import { frameStructure, sceneFeatureName, sceneFeatureParam, structureSimilarity, usesStructure } from './scene-signal'

type Params = { threshold: number; keyframeWeight: number; maxGop: number; globalFeature: string }

/**
 * Keyframes as a video codec's I-frames (KFFocus-style token allocation).
 *
 * g_t: L2-normalised global feature of frame t (class token, or mean patch). Frame 0 is a keyframe;
 * frame t becomes a keyframe when its cosine distance to the LAST KEYFRAME, 1 − g_t·g_key, exceeds
 * `threshold` (drift from the reference, as an encoder decides when prediction gets too costly), or
 * when `maxGop` frames have passed since it (a fixed I-frame interval; 0 = off).
 * Allocation: keyframes weigh `keyframeWeight`, other frames 1; the budget is split in proportion
 * (floors, then largest remainders, no frame above N), so it sums exactly to the budget.
 *
 * Choices left open: the change measure (global-feature cosine distance to the last keyframe, not
 * to the previous frame, so slow drift also triggers a keyframe); the share (a weight ratio, default
 * 4:1); standalone `run` keeps each frame's tokens by uniform stride over the patch grid.
 *
 * The frame feature (`globalFeature`): the class token or mean patch token, as the paper's frame
 * features, for every real encoder. On the built-in DCT model (`auto`), or when asked
 * (`structure`), the distance is 1 − the correlation of the two frames' patch-token structures
 * (scene-signal.ts): brightness-invariant, so a cut between two dark shots is a keyframe and
 * flicker or a fade's gain is not; a fade through black makes a keyframe where the picture
 * vanishes and where it returns. `derived.globalFeature` says which was used.
 */
export const keyframesCodec = frameSelectionMethod<Params>({
  id: 'keyframes-codec',
  name: 'Keyframes (codec-style)',
  family: 'frame-selection',
  paper: {
    title: 'KFFocus: Highlighting Keyframes for Enhanced Video Understanding',
    authors: 'Ming Nie, Chunwei Wang, Hang Xu, Li Zhang',
    venue: 'arXiv 2025',
    url: 'https://arxiv.org/abs/2508.08989',
  },
  summary: 'Gives keyframes (where the content drifts, like a codec’s I-frames) more tokens than the frames between.',
  params: {
    threshold: { type: 'number', default: 0.15, min: 0, max: 2, step: 0.01, help: 'Cosine distance from the last keyframe that starts a new keyframe' },
    keyframeWeight: { type: 'number', default: 4, min: 1, max: 100, step: 0.5, help: 'Tokens of a keyframe relative to an in-between frame' },
    maxGop: { type: 'integer', default: 0, min: 0, max: 100000, help: 'Force a keyframe after this many frames (0 = only on change)' },
    globalFeature: sceneFeatureParam,
  },
  needs: {},
  budgetMode: 'exact',
  prepare(video, params) {
    const keys = usesStructure(video, params.globalFeature)
      ? detectKeyframesBy(video.tokens.length, ((s) => (a: number, b: number) => structureSimilarity(video, s, a, b))(frameStructure(video)), params.threshold, params.maxGop)
      : detectKeyframes(globalFeatures(video, params.globalFeature), params.threshold, params.maxGop)
    return { keys: Int32Array.from(keys) }
  },
  allocate(video, plan, params, _ctx, prepared) {
    const { n, frames: T, tokens: want } = plan
    const keys = Array.from(prepared!.keys as Int32Array)
    const isKey = new Uint8Array(T)
    for (const t of keys) isKey[t] = 1
    const perFrame = allocateByWeights(Array.from(isKey, (k) => (k ? params.keyframeWeight : 1)), want, n)
    return { perFrame, derived: { keyframes: keys.length, keyframeList: keys.join(','), globalFeature: sceneFeatureName(video, params.globalFeature) }, notes: [] }
  },
})

/** Keyframe indices for normalised global features g [T] × [D]. */
export function detectKeyframes(g: Float32Array[], threshold: number, maxGop: number): number[] {
  return detectKeyframesBy(
    g.length,
    (a, b) => {
      let s = 0
      for (let k = 0; k < g[a].length; k++) s += g[a][k] * g[b][k]
      return s
    },
    threshold,
    maxGop,
  )
}

/** Keyframe indices of T frames by a similarity sim(t, lastKey): a keyframe when 1 − sim > threshold or maxGop frames passed. */
export function detectKeyframesBy(T: number, sim: (t: number, key: number) => number, threshold: number, maxGop: number): number[] {
  if (!T) return []
  const keys = [0]
  let last = 0
  for (let t = 1; t < T; t++) {
    if (1 - sim(t, last) > threshold || (maxGop > 0 && t - last >= maxGop)) {
      keys.push(t)
      last = t
    }
  }
  return keys
}
