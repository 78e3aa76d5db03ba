import type { VideoTokens } from '../../tokens'
import { rowwiseCosines } from '../../tensor/similarity'
import { videoMethod } from '../define'
import type { VideoOutput, VideoPlan } from '../types'
import { assembleResult } from './assemble'

type Params = { threshold: number }

/**
 * FrameFusion, similarity-based merging stage, following thu-nics/FrameFusion `FrameFusion.forward`
 * (merging branch) on the vision tokens X_t [N, D].
 *
 * For every patch position i and frame t ≥ 1, s(t,i) = cos(X_t[i], X_{t-1}[i]) on the ORIGINAL
 * tokens (not the running average). Patches with s ≥ threshold (the code's similarity_lower_bound,
 * default 0.6) are merged into the preceding token of the same position, so every maximal run of
 * consecutive merged frames collapses into the run's first token. The merged token is the plain
 * average of all run members (the code index_adds the members into the first token and divides by
 * run length + 1); it sits at the run's first frame.
 *
 * Budget (the code's sparsity upper bound): at most T·N − B patches may be merged. When more
 * patches pass the threshold, only the T·N − B most similar are merged (the code's top-k branch),
 * which hits the budget exactly; otherwise every patch above the threshold is merged and the output
 * is larger than the budget (adaptive; reported). Ties in the top-k are broken by the code's
 * patch-major order (position, then frame).
 *
 * Choices left open: applied once, on the encoder's output tokens (FrameFusion runs inside the LLM,
 * at several shallow layers, with cost-driven sparsity); frame 0 is never merged; the
 * importance-based pruning stage of FrameFusion is not part of this method.
 */
export const frameFusionMerge = videoMethod<Params>({
  id: 'framefusion-merge',
  name: 'FrameFusion (merge)',
  family: 'temporal',
  paper: {
    title: 'FrameFusion: Combining Similarity and Importance for Video Token Reduction on Large Visual Language Models',
    authors: 'Tianyu Fu, Tengxuan Liu, Qinghao Han, Guohao Dai, Shengen Yan, Huazhong Yang, Xuefei Ning, Yu Wang',
    venue: 'ICCV 2025',
    url: 'https://arxiv.org/abs/2501.01986',
  },
  summary: 'Merges patches that stay similar at the same position over consecutive frames.',
  params: {
    threshold: { type: 'number', default: 0.6, min: -1, max: 1, step: 0.01, help: 'Cosine similarity to the previous frame at or above which a patch merges (similarity_lower_bound)' },
  },
  needs: {},
  budgetMode: 'adaptive',
  apply: (video, plan, params) => runFrameFusion(video, plan, params),
})

function runFrameFusion(video: VideoTokens, plan: VideoPlan, params: Params): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const d = video.dim
  const maxMerges = T * n - want
  const sim = new Float64Array(T * n).fill(-2)
  const candidates: number[] = []
  const row = new Float64Array(n)
  for (let t = 1; t < T; t++) {
    row.set(rowwiseCosines(video.tokens[t - 1], video.tokens[t], d))
    for (let i = 0; i < n; i++) {
      sim[t * n + i] = row[i]
      if (row[i] >= params.threshold) candidates.push(t * n + i)
    }
  }
  const merge = new Uint8Array(T * n)
  if (candidates.length < maxMerges) for (const k of candidates) merge[k] = 1
  else {
    // Patch-major order (position, then frame) breaks ties, as the code's similarity_by_patch does.
    const patchMajor = (k: number) => (k % n) * T + Math.floor(k / n)
    candidates.sort((a, b) => sim[b] - sim[a] || patchMajor(a) - patchMajor(b))
    for (let j = 0; j < maxMerges; j++) merge[candidates[j]] = 1
  }
  const labels = new Int32Array(T * n)
  const frames: number[] = []
  const keys: number[] = []
  let merged = 0
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) {
      const k = t * n + i
      if (merge[k]) {
        labels[k] = labels[k - n]
        merged++
      } else {
        labels[k] = frames.length
        frames.push(t)
        keys.push(i)
      }
    }
  }
  return assembleResult(video, { labels, frame: frames, key: keys }, {
    derived: { aboveThreshold: candidates.length, merged, capped: candidates.length >= maxMerges ? 1 : 0 },
    notes: frames.length > want ? [`only ${candidates.length} patches reach similarity ${params.threshold}; output exceeds the budget`] : [],
  })
}
