import type { VideoTokens } from '../../tokens'
import { rowNorms, rowwiseCosine } from '../../tensor/vectors'
import { videoMethod } from '../define'
import type { VideoOutput, VideoPlan } from '../types'
import { assembleResult, tokenCollector } from './assemble'

type Params = { mode: string; threshold: number }

/** Dissimilarity given to frame 0 so it is always kept first (vLLM's sentinel; real values are ≤ 2). */
const FIRST_FRAME = 255

/**
 * EVS dissimilarity: dis[t·N + i] = 1 − cos(X_t[i], X_{t−1}[i]) for t ≥ 1 (the same patch of the
 * previous sampled frame; zero vectors give cosine 0), 255 for frame 0. [T·N]
 */
export function evsDissimilarity(video: VideoTokens): Float64Array {
  const n = video.grid.h * video.grid.w
  const d = video.dim
  const T = video.tokens.length
  const dis = new Float64Array(T * n).fill(FIRST_FRAME)
  let prevNorm = T ? rowNorms(video.tokens[0], d) : new Float64Array(0)
  const sim = new Float64Array(n)
  for (let t = 1; t < T; t++) {
    const norm = rowNorms(video.tokens[t], d)
    rowwiseCosine(video.tokens[t], video.tokens[t - 1], d, sim, norm, prevNorm)
    for (let i = 0; i < n; i++) dis[t * n + i] = 1 - sim[i]
    prevNorm = norm
  }
  return dis
}

/**
 * evs: Efficient Video Sampling as vLLM runs it (vllm-project/vllm vllm/multimodal/evs.py @ 094f117,
 * compute_retention_mask / compute_retained_tokens_count; sglang's evs_core.py is a copy), on X_t [N, D].
 *
 * 1. dis = 1 − cos(X_t[i], X_{t−1}[i]) per patch (evsDissimilarity); frame 0 gets 255, so it is
 *    kept whole before anything else.
 * 2. Budget mode (the default, vLLM's only mode): keep the `retain` patches with the highest dis over
 *    the whole video (stable sort: ties to the earlier frame, then the lower patch), where
 *    retain = max(N, budget) (vLLM: max(n, int(T·n·(1 − q))) with q = 1 − budget/(T·N), computed
 *    here from the budget directly so float rounding cannot lose a token).
 * 3. Kept patches unchanged, in (t, i) order. Pure pruning; static frames may keep nothing.
 * Choices and adaptations:
 * - Cached ViT patch tokens at the same (y, x) where vLLM compares the merged (2×2) embeddings the
 *   LLM receives; Qwen's two-frame tubelets are plain sampled frames here.
 * - The comparison is with the previous sampled frame's same patch, never with the last kept token.
 * - The paper's pixel-space formulation (L1 distance of raw patches, a percentile cut-off) could not
 *   be read from the paper itself; the production code works on embeddings with cosine, followed here.
 * - mode 'threshold' (a project extension; vLLM has only the rate): frame 0 whole, and every later
 *   patch whose dis exceeds `threshold` (default 0.1, i.e. cosine below 0.9).
 * Budget: exact when budget ≥ N; below one frame the whole first frame is kept anyway (the code's
 * max(n, ·)) and a note says so; threshold mode ignores the budget. Hence 'adaptive'.
 */
export const evs = videoMethod<Params>({
  id: 'evs',
  name: 'EVS (Efficient Video Sampling)',
  family: 'temporal',
  paper: {
    title: 'Efficient Video Sampling: Pruning Temporally Redundant Tokens for Faster VLM Inference',
    authors:
      'Natan Bagrov, Eugene Khvedchenia, Borys Tymchenko, Shay Aharon, Lior Kadoch, Tomer Keren, Ofri Masad, Yonatan Geifman, Ran Zilberstein, Tuomas Rintamaki, Matthieu Le, Andrew Tao',
    venue: 'arXiv 2025',
    url: 'https://arxiv.org/abs/2510.14624',
  },
  summary: 'Drops patches that barely changed since the same patch of the previous frame; the first frame stays whole.',
  params: {
    mode: {
      type: 'enum',
      default: 'budget',
      options: ['budget', 'threshold'],
      help: "'budget': the most changed patches of the video up to the budget (vLLM); 'threshold': every patch changed by more than the threshold (project extension)",
    },
    threshold: { type: 'number', default: 0.1, min: 0, max: 2, step: 0.01, help: "threshold mode: keep a patch when 1 − cosine to the previous frame's patch exceeds this" },
  },
  needs: {},
  budgetMode: 'adaptive',
  apply: (video, plan, params) => runEvs(video, plan, params),
})

function runEvs(video: VideoTokens, plan: VideoPlan, params: Params): VideoOutput {
  const { n, frames: T } = plan
  const dis = evsDissimilarity(video)
  const keep = new Uint8Array(T * n)
  const notes: string[] = []
  if (params.mode === 'threshold') {
    for (let k = 0; k < T * n; k++) keep[k] = k < n || dis[k] > params.threshold ? 1 : 0
  } else {
    const retain = Math.max(n, plan.tokens)
    if (plan.tokens < n) notes.push(`budget ${plan.tokens} is below one frame; EVS keeps the first frame whole (${n} tokens)`)
    const order = Int32Array.from({ length: T * n }, (_, k) => k).sort((a, b) => dis[b] - dis[a] || a - b)
    for (let r = 0; r < Math.min(retain, order.length); r++) keep[order[r]] = 1
  }
  const { tokens, add } = tokenCollector(T * n)
  for (let k = 0; k < T * n; k++) if (keep[k]) tokens.labels[k] = add(Math.floor(k / n), k % n)
  return assembleResult(video, tokens, { derived: { mode: params.mode, framesKept: new Set(tokens.frame).size }, notes })
}
