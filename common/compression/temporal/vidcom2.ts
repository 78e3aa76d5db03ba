import type { VideoTokens } from '../../tokens'
import { pyRound } from '../../tensor/rounding'
import { bottomK } from '../../tensor/top-k'
import { allocateByWeights } from '../allocation'
import { videoMethod } from '../define'
import type { VideoOutput, VideoPlan } from '../types'
import { assembleResult, tokenCollector } from './assemble'

type Params = { rounding: string }

/** Bandwidths α of the multi-scale Gaussian kernel (the code's 2**k for k in -3..1). */
const ALPHAS = [1 / 8, 1 / 4, 1 / 2, 1, 2]
/** Softmax temperature of the frame budgets (compute_scales' temp). */
const TEMPERATURE = 0.01
/** Share of channels kept by select_low_var_channels. */
const CHANNEL_SHARE = 0.5
/** F.normalize's eps. */
const NORM_EPS = 1e-12

/** Σ_α exp(−‖x − c‖² / 2α). */
const multiScaleGaussian = (distSq: number): number => ALPHAS.reduce((s, a) => s + Math.exp(-distSq / (2 * a)), 0)

/**
 * VidCom²'s scores: the ⌊D/2⌋ channels of lowest population variance over the whole video, each
 * token L2-normalised over them (u), then vid[t][i] = G(u_t,i, mean of all u) and
 * frm[t][i] = G(u_t,i, mean of frame t's u) with the multi-scale Gaussian G. Two passes over the
 * tokens, frame by frame (no copy of the video). → vid, frm: [T] × [N].
 */
export function vidcom2Scores(video: VideoTokens): { vid: Float64Array[]; frm: Float64Array[] } {
  const d = video.dim
  const n = video.grid.h * video.grid.w
  const T = video.tokens.length
  const rows = T * n
  const mean = new Float64Array(d)
  for (const x of video.tokens) for (let k = 0; k < x.length; k++) mean[k % d] += x[k]
  for (let c = 0; c < d; c++) mean[c] /= rows
  const variance = new Float64Array(d)
  for (const x of video.tokens) {
    for (let k = 0; k < x.length; k++) {
      const dev = x[k] - mean[k % d]
      variance[k % d] += dev * dev
    }
  }
  const channels = Array.from(bottomK(variance, Math.floor(d * CHANNEL_SHARE)))
  const k = channels.length
  // Unit rows over the kept channels, one frame at a time.
  const unitFrame = (x: Float32Array): Float64Array => {
    const u = new Float64Array(n * k)
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < k; j++) s += x[i * d + channels[j]] ** 2
      const inv = 1 / Math.max(Math.sqrt(s), NORM_EPS)
      for (let j = 0; j < k; j++) u[i * k + j] = x[i * d + channels[j]] * inv
    }
    return u
  }
  const frameCentres = video.tokens.map((x) => {
    const u = unitFrame(x)
    const c = new Float64Array(k)
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) c[j] += u[i * k + j]
    return c.map((v) => v / n)
  })
  const videoCentre = new Float64Array(k)
  for (const c of frameCentres) for (let j = 0; j < k; j++) videoCentre[j] += c[j] / T
  const score = (u: Float64Array, i: number, c: Float64Array) => {
    let s = 0
    for (let j = 0; j < k; j++) s += (u[i * k + j] - c[j]) ** 2
    return multiScaleGaussian(s)
  }
  const vid: Float64Array[] = []
  const frm: Float64Array[] = []
  video.tokens.forEach((x, t) => {
    const u = unitFrame(x)
    vid.push(Float64Array.from({ length: n }, (_, i) => score(u, i, videoCentre)))
    frm.push(Float64Array.from({ length: n }, (_, i) => score(u, i, frameCentres[t])))
  })
  return { vid, frm }
}

/**
 * VidCom²'s frame shares (compute_scales): s_t = −mean_i vid[t][i], p = softmax((s − max s)/0.01),
 * scale_t = min(1, base·(1 + p_t − mean p)). [T] → [T]
 */
export function vidcom2Scales(vid: Float64Array[], base: number): Float64Array {
  const s = vid.map((v) => -v.reduce((a, b) => a + b, 0) / v.length)
  const top = Math.max(...s)
  const e = s.map((v) => Math.exp((v - top) / TEMPERATURE))
  const sum = e.reduce((a, b) => a + b, 0)
  const p = e.map((v) => v / sum)
  const meanP = p.reduce((a, b) => a + b, 0) / p.length
  return Float64Array.from(p, (pt) => Math.min(1, base * (1 + pt - meanP)))
}

/**
 * vidcom2: VidCom² (xuyang-liu16/VidCom2 @ 944a17d, token_compressor/vidcom2/vidcom2.py
 * vidcom2_compression; the same maths as the first release b3a4965 llava/model/vidcom2.py with its
 * default modes), on X_t [N, D]. Adopted by vLLM (PR vllm-project/vllm#47750).
 *
 * 1. Scores (vidcom2Scores): lowest-variance half of the channels, L2-normalised; Gaussian
 *    similarity of each token to the video mean and to its frame mean, α ∈ {1/8 … 2}.
 * 2. Frame budgets (vidcom2Scales): frames far from the video mean get more, temperature 0.01,
 *    base = budget / (T·N).
 * 3. In frame t, the k_t tokens with the smallest vid + frm (least like the video and the frame),
 *    kept unchanged in raster order. Pure pruning.
 * Choices and adaptations:
 * - Cached ViT patch tokens instead of the projector's 2×2-pooled LLM embeddings (the low-variance
 *   channel pick then runs on ViT channels); LLaVA-Video's newline-token index mapping is LLM layout
 *   and left out.
 * - rounding 'exact' (default): the real targets min(1, scale_t)·N are rounded by largest remainder
 *   to sum to the budget exactly (allocateByWeights: lower frame first on equal remainders; frames
 *   may get 0 when the budget is below T). vLLM adds an exact-count step too, whose rule could not
 *   be read. 'code': the released max(1, round(scale_t·N)) (round half to even), which lands beside
 *   the budget (reported).
 * - Ties in token scores: the lower patch index. Temperature, α set and channel share: code constants.
 */
export const vidCom2 = videoMethod<Params>({
  id: 'vidcom2',
  name: 'VidCom² (frame uniqueness)',
  family: 'temporal',
  paper: {
    title: 'Video Compression Commander: Plug-and-Play Inference Acceleration for Video Large Language Models',
    authors: 'Xuyang Liu, Yiyu Wang, Junpeng Ma, Linfeng Zhang',
    venue: 'EMNLP 2025',
    url: 'https://arxiv.org/abs/2505.14454',
  },
  summary: 'Gives distinctive frames more tokens and keeps, in each frame, the tokens least like the video and the frame.',
  params: {
    rounding: {
      type: 'enum',
      default: 'exact',
      options: ['exact', 'code'],
      help: "'exact': frame counts by largest remainder, summing to the budget; 'code': the released max(1, round(scale·N)) per frame",
    },
  },
  needs: {},
  budgetMode: 'exact',
  apply: (video, plan, params) => runVidCom2(video, plan, params),
})

function runVidCom2(video: VideoTokens, plan: VideoPlan, params: Params): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const { vid, frm } = vidcom2Scores(video)
  const scales = vidcom2Scales(vid, want / (T * n))
  const perFrame =
    params.rounding === 'code'
      ? Int32Array.from(scales, (s) => Math.max(1, pyRound(s * n)))
      : allocateByWeights(Array.from(scales, (s) => s * n), want, n)
  const { tokens, add } = tokenCollector(T * n)
  for (let t = 0; t < T; t++) {
    const score = vid[t].map((v, i) => v + frm[t][i])
    for (const i of Array.from(bottomK(score, perFrame[t])).sort((a, b) => a - b)) tokens.labels[t * n + i] = add(t, i)
  }
  return assembleResult(video, tokens, {
    derived: { rounding: params.rounding, minFrameTokens: Math.min(...perFrame), maxFrameTokens: Math.max(...perFrame) },
    notes: [],
  })
}
