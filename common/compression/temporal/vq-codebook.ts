import type { VideoTokens } from '../../tokens'
import { createRng } from '../../tensor/rng'
import { rowNorms } from '../../tensor/vectors'
import { bestMatches, cosineMatrix } from '../../tensor/similarity'
import { videoMethod } from '../define'
import type { MethodContext, VideoOutput, VideoPlan } from '../types'
import { assembleResult, tokenCollector } from './assemble'

type Params = { output: string; codeVector: string; maxIterations: number }

/** k-means stops when the centroids move less than this (Frobenius norm), as KMeansTorch's tol. */
const TOLERANCE = 1e-4
/** Floor added to the k-means++ weights (the code's eps, so they never sum to 0). */
const INIT_FLOOR = 1e-6

/** 1/‖x_r‖ of every row r = t·N + i of the video (0 for a zero row), so x̂_r = x_r · inv[r]. [T·N] */
function inverseNorms(video: VideoTokens): Float64Array {
  const n = video.grid.h * video.grid.w
  const inv = new Float64Array(video.tokens.length * n)
  video.tokens.forEach((x, t) => rowNorms(x, video.dim).forEach((v, i) => (inv[t * n + i] = v > 0 ? 1 / v : 0)))
  return inv
}

/**
 * k-means++ seeding as KMeansTorch.sample_init_centroids: the first row uniform at random, each next
 * one drawn with probability ∝ (squared distance of x̂ to its nearest chosen row) + 1e-6, where
 * ‖x̂_r − x̂_c‖² = ‖x̂_r‖² + ‖x̂_c‖² − 2·cos. → K row ids (r = t·N + i).
 */
function seedRows(video: VideoTokens, inv: Float64Array, k: number, rand: () => number): number[] {
  const n = video.grid.h * video.grid.w
  const d = video.dim
  const total = inv.length
  const unitSq = (r: number) => (inv[r] > 0 ? 1 : 0)
  const nearest = new Float64Array(total).fill(Infinity)
  const chosen = [Math.floor(rand() * total)]
  while (chosen.length < k) {
    const c = chosen[chosen.length - 1]
    const centre = video.tokens[Math.floor(c / n)].subarray((c % n) * d, (c % n) * d + d)
    let sum = 0
    video.tokens.forEach((x, t) => {
      cosineMatrix(x, d, centre).forEach((cos, i) => {
        const r = t * n + i
        nearest[r] = Math.min(nearest[r], Math.max(0, unitSq(r) + unitSq(c) - 2 * cos))
        sum += nearest[r] + INIT_FLOOR
      })
    })
    let u = rand() * sum
    let pick = total - 1
    for (let r = 0; r < total; r++) {
      u -= nearest[r] + INIT_FLOOR
      if (u < 0) {
        pick = r
        break
      }
    }
    chosen.push(pick)
  }
  return chosen
}

/**
 * VQToken's k-means (VQToken/cluster.py KMeansTorch.fit) on the unit rows x̂: k-means++ seeds, then
 * assignment to the centroid of largest cosine (= smallest cosine distance; first on ties), update to
 * the mean of the assigned x̂ (an empty cluster keeps its centroid), stop when the centroids move
 * less than 1e-4 or after `maxIterations`. → labels [T·N] of the last assignment, iterations run.
 */
export function cosineKMeans(video: VideoTokens, k: number, maxIterations: number, seed: number): { labels: Int32Array; iterations: number } {
  const n = video.grid.h * video.grid.w
  const d = video.dim
  const inv = inverseNorms(video)
  const rand = createRng(seed)
  let centroids = new Float64Array(k * d)
  seedRows(video, inv, k, rand).forEach((r, c) => {
    const x = video.tokens[Math.floor(r / n)]
    for (let j = 0; j < d; j++) centroids[c * d + j] = x[(r % n) * d + j] * inv[r]
  })
  const labels = new Int32Array(inv.length)
  let iterations = 0
  while (iterations < maxIterations) {
    iterations++
    const current = Float32Array.from(centroids)
    const sum = new Float64Array(k * d)
    const count = new Int32Array(k)
    video.tokens.forEach((x, t) => {
      bestMatches(x, current, d).index.forEach((c, i) => {
        const r = t * n + i
        labels[r] = c
        count[c]++
        for (let j = 0; j < d; j++) sum[c * d + j] += x[i * d + j] * inv[r]
      })
    })
    const next = Float64Array.from(sum, (v, q) => (count[Math.floor(q / d)] ? v / count[Math.floor(q / d)] : centroids[q]))
    let shift = 0
    for (let q = 0; q < next.length; q++) shift += (next[q] - centroids[q]) ** 2
    if (Math.sqrt(shift) < TOLERANCE) break
    centroids = next
  }
  return { labels, iterations }
}

/**
 * vq-codebook: VQToken's training-free part (Hai-chao-Zhang/VQToken @ 019f89f, VQToken/cluster.py
 * KMeansTorch, VQToken/vq_token.py; the paper's §3.2 codebook and token hash), on X_t [N, D].
 *
 * 1. A codebook of K codes from k-means on all the video's tokens (cosineKMeans, seeded).
 * 2. Every token is replaced by its code (the paper's token hash keeps (t, y, x) → code).
 * 3. output 'frame-codes' (default; the reading): the duplicates of a code within a frame
 *    are merged — one token per (frame, code) present, placed at the code's first patch in the frame,
 *    K = max(1, ⌊budget/T⌋) so that T·K, the most it can give, is within the budget.
 *    output 'codebook' (the paper's "Base" ablation, codebook only): one token per code for the whole
 *    video, K = budget, placed at its member closest to the centroid.
 * A token's feature is its code vector: the mean of the raw tokens of the code over the whole video
 * (codeVector 'raw-mean', the paper's "centroid of the embeddings"), or the mean of their unit
 * vectors ('unit-mean', what the released code returns to the model).
 * Choices and adaptations:
 * - VQ-Attention, which injects the index map's motion into the codebook, is trained and left out;
 *   so are the released K selections (the fixed-K path fails with a TypeError; the adaptive one's
 *   'silhouette' score does not depend on K and always gives 12, its 'elbow' gives 12–22), hence K
 *   from the budget. Iterations 100 (the adaptive wrapper's) and tol 1e-4: the code's.
 * - Cached ViT patch tokens (the code: LLaVA-OV projector outputs after pooling).
 * - A code no token ends in is left out (the code returns a zero vector for it); codes are counted
 *   in derived.codebookSize (K) and derived.codesUsed.
 * - Cost: T·N·K·D per iteration; the 'codebook' output at large budgets is heavy.
 * Adaptive: 'frame-codes' lands at or below the budget, 'codebook' at it unless codes go unused.
 * The token-density metric (VQToken's TokDense) is computed for every method by the metrics.
 */
export const vqCodebook = videoMethod<Params>({
  id: 'vq-codebook',
  name: 'VQToken codebook (k-means, training-free)',
  family: 'temporal',
  paper: {
    title: 'VQToken: Neural Discrete Token Representation Learning for Extreme Token Reduction in Video Large Language Models',
    authors: 'Haichao Zhang, Yun Fu',
    venue: 'NeurIPS 2025',
    url: 'https://arxiv.org/abs/2503.16980',
  },
  summary: 'Replaces every token by its k-means code over the whole video and merges repeats of a code within each frame.',
  params: {
    output: {
      type: 'enum',
      default: 'frame-codes',
      options: ['frame-codes', 'codebook'],
      help: "'frame-codes': one token per code present in each frame, K = budget / frames; 'codebook': one token per code for the whole video, K = budget (paper's codebook-only ablation)",
    },
    codeVector: {
      type: 'enum',
      default: 'raw-mean',
      options: ['raw-mean', 'unit-mean'],
      help: "a code's feature: mean of its raw tokens (paper text) or of their unit vectors (released code)",
    },
    maxIterations: { type: 'integer', default: 100, min: 1, max: 1000, help: 'k-means iterations at most (code 100; stops earlier at tol 1e-4)' },
  },
  needs: {},
  budgetMode: 'adaptive',
  apply: (video, plan, params, ctx) => runVq(video, plan, params, ctx),
})

function runVq(video: VideoTokens, plan: VideoPlan, params: Params, ctx: MethodContext): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const d = video.dim
  const perFrame = params.output === 'frame-codes'
  const K = Math.min(T * n, perFrame ? Math.max(1, Math.floor(want / T)) : want)
  const { labels: code, iterations } = cosineKMeans(video, K, params.maxIterations, ctx.seed)
  const inv = inverseNorms(video)
  // Code vectors: means of the raw (or unit) tokens per code.
  const vec = new Float64Array(K * d)
  const size = new Int32Array(K)
  video.tokens.forEach((x, t) => {
    for (let i = 0; i < n; i++) {
      const c = code[t * n + i]
      const scale = params.codeVector === 'unit-mean' ? inv[t * n + i] : 1
      size[c]++
      for (let j = 0; j < d; j++) vec[c * d + j] += x[i * d + j] * scale
    }
  })
  const vectorOf = (c: number) => Float32Array.from(vec.subarray(c * d, (c + 1) * d), (v) => v / size[c])
  const { tokens, add } = tokenCollector(T * n)
  const labels = tokens.labels
  if (perFrame) {
    for (let t = 0; t < T; t++) {
      const tokenOfCode = new Map<number, number>()
      for (let i = 0; i < n; i++) {
        const c = code[t * n + i]
        let m = tokenOfCode.get(c)
        if (m === undefined) tokenOfCode.set(c, (m = add(t, i, vectorOf(c))))
        labels[t * n + i] = m
      }
    }
  } else {
    // Each used code sits at its member of largest cosine to the code's unit-mean centroid.
    const centroid = new Float64Array(K * d)
    video.tokens.forEach((x, t) => {
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centroid[code[t * n + i] * d + j] += x[i * d + j] * inv[t * n + i]
    })
    const best = new Float64Array(K).fill(-Infinity)
    const at = new Int32Array(K).fill(-1)
    video.tokens.forEach((x, t) => {
      for (let i = 0; i < n; i++) {
        const c = code[t * n + i]
        let s = 0
        for (let j = 0; j < d; j++) s += x[i * d + j] * inv[t * n + i] * centroid[c * d + j]
        if (s > best[c]) {
          best[c] = s
          at[c] = t * n + i
        }
      }
    })
    const tokenOfCode = new Int32Array(K).fill(-1)
    for (let c = 0; c < K; c++) {
      if (size[c]) tokenOfCode[c] = add(Math.floor(at[c] / n), at[c] % n, vectorOf(c))
    }
    code.forEach((c, r) => (labels[r] = tokenOfCode[c]))
  }
  return assembleResult(video, tokens, {
    derived: { codebookSize: K, codesUsed: size.filter((s) => s > 0).length, iterations },
    notes: [],
  })
}
