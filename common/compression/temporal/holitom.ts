import type { VideoTokens } from '../../tokens'
import { createRng } from '../../tensor/rng'
import { pyRound } from '../../tensor/rounding'
import { topK } from '../../tensor/top-k'
import { gatherRows } from '../../tensor/vectors'
import { rowwiseCosines } from '../../tensor/similarity'
import { videoMethod } from '../define'
import type { MethodContext, VideoOutput, VideoPlan } from '../types'
import { assembleResult } from './assemble'
import { dpcKnnCenters, scaledDistances } from './dpc-knn'

type Params = { tau: number; beta: number; dominantShare: number; k: number; maxWindow: number }

/**
 * HoliTom, outer-LLM part (cokeshao/HoliTom holitom/llava_arch.py), on X_t [N, D] and importance a_t [N].
 *
 * 1. s_t[i] = cos(X_t[i], X_{t+1}[i]). A window [s, e] has static position i when s_t[i] > tau for
 *    every t in s..e−1; merging it saves count·(e−s) tokens. Windows are chosen by the code's
 *    dynamic programme maximising the saved tokens (window length ≤ maxWindow; a longer window
 *    must beat strictly, so ties keep shorter windows).
 * 2. The retain ratio is rescaled for the tokens already saved: r = min(r0 / ((TN − saved)/TN), 1).
 * 3. Static positions of a window are averaged over it and clustered: round(S·r) DPC-KNN centres
 *    (k = min(K, centres)); every other static token joins its nearest centre (Euclidean), and the
 *    token is beta·centre + (1−beta)·mean(members) (the code's default, NO_BETA unset). Placed at
 *    the window's first frame, before its dynamic tokens.
 * 4. Dynamic tokens of each frame: ceil(n·r) kept, round(ceil(n·r)·(1−D)) of them the most important
 *    (dominant, kept as is) and the rest DPC-KNN centres of the others, merged the same way.
 *    With the code's default D = 0 every kept dynamic token is dominant and the others are dropped.
 *
 * Choices left open: importance (class attention or a proxy) replaces the SigLIP attention; no 2×2
 * pooling first; Python round (half to even) is reproduced; DPC noise comes from the seeded rng; the
 * inner-LLM merging of HoliTom is out of scope. Budget: ≈ the budget by construction (per-window
 * rounding), reported; 'adaptive'. The DP runs in O(T·maxWindow + T·N) with per-end histograms.
 */
export const holiTom = videoMethod<Params>({
  id: 'holitom',
  name: 'HoliTom (outer-LLM)',
  family: 'temporal',
  paper: {
    title: 'HoliTom: Holistic Token Merging for Fast Video Large Language Models',
    authors: 'Kele Shao, Keda Tao, Can Qin, Haoxuan You, Yang Sui, Huan Wang',
    venue: 'NeurIPS 2025',
    url: 'https://arxiv.org/abs/2505.21334',
  },
  summary: 'Merges tokens that stay static over temporal windows; keeps the most important changing ones.',
  params: {
    tau: { type: 'number', default: 0.8, min: -1, max: 1, step: 0.01, help: 'Consecutive-frame cosine above which a position stays static' },
    beta: { type: 'number', default: 0.6, min: 0, max: 1, step: 0.05, help: 'Weight of a cluster centre in its merged token' },
    dominantShare: { type: 'number', default: 0, min: 0, max: 1, step: 0.05, help: 'D: share of the kept dynamic tokens that are density centres instead of top-importance tokens' },
    k: { type: 'integer', default: 7, min: 1, max: 64, help: 'Neighbours for the DPC-KNN density (capped at the centre count)' },
    maxWindow: { type: 'integer', default: 1024, min: 2, max: 100000, help: 'Longest temporal window' },
  },
  needs: { importance: 'proxy-ok' },
  budgetMode: 'adaptive',
  apply: (video, plan, params, ctx) => runHoliTom(video, plan, params, ctx),
})

/**
 * The code's select_static_windows. static[t*N + i] = 1 when s_t[i] > tau ([T-1, N]).
 * Returns the windows [start, end] in order and the tokens they save.
 */
export function selectStaticWindows(staticMask: Uint8Array, T: number, n: number, maxWindow: number): { windows: [number, number][]; saved: number } {
  const dp = new Float64Array(T)
  const prev = new Int32Array(T)
  const lastFail = new Int32Array(n).fill(-1)
  const hist = new Int32Array(Math.max(1, maxWindow) + 1)
  for (let i = 0; i < T; i++) {
    if (i > 0) for (let p = 0; p < n; p++) if (!staticMask[(i - 1) * n + p]) lastFail[p] = i - 1
    // count(s) = #{p: lastFail[p] < s} for s in lo..i-1.
    const lo = Math.max(0, i - maxWindow + 1)
    hist.fill(0)
    let below = 0
    for (let p = 0; p < n; p++) {
      if (lastFail[p] < lo) below++
      else hist[lastFail[p] - lo]++
    }
    let best = i > 0 ? dp[i - 1] : 0
    let bestStart = i
    const counts = new Int32Array(Math.max(0, i - lo))
    let run = below
    for (let s = lo; s < i; s++) {
      counts[s - lo] = run
      run += hist[s - lo]
    }
    for (let W = 2; W <= Math.min(i + 1, maxWindow); W++) {
      const j = i - W
      const val = (j >= 0 ? dp[j] : 0) + counts[j + 1 - lo] * (W - 1)
      if (val > best) {
        best = val
        bestStart = j + 1
      }
    }
    dp[i] = best
    prev[i] = bestStart
  }
  const windows: [number, number][] = []
  for (let i = T - 1; i >= 0; i = prev[i] - 1) windows.push([prev[i], i])
  return { windows: windows.reverse(), saved: T ? dp[T - 1] : 0 }
}

/**
 * The code's cluster merge: rows `feat` [m, D]; centres (sorted ascending) absorb every other row by
 * nearest Euclidean distance; token = beta·centre + (1−beta)·mean(members). Returns the centre rows,
 * each row's centre slot [m], and the token features.
 */
function clusterMerge(feat: Float32Array, D: number, centres: number, k: number, beta: number, rand: () => number) {
  const m = feat.length / D
  const dist = scaledDistances(feat, D)
  const target = Array.from(dpcKnnCenters(dist, m, Math.min(k, centres), centres, rand).centers).sort((a, b) => a - b)
  const slot = new Int32Array(m)
  const isTarget = new Int32Array(m).fill(-1)
  target.forEach((r, q) => (isTarget[r] = q))
  const sum = new Float64Array(target.length * D)
  const count = new Int32Array(target.length)
  for (let r = 0; r < m; r++) {
    if (isTarget[r] >= 0) {
      slot[r] = isTarget[r]
      continue
    }
    let best = 0
    for (let q = 1; q < target.length; q++) if (dist[r * m + target[q]] < dist[r * m + target[best]]) best = q
    slot[r] = best
    count[best]++
    for (let c = 0; c < D; c++) sum[best * D + c] += feat[r * D + c]
  }
  const tokens = target.map((r, q) => {
    const f = feat.slice(r * D, r * D + D)
    if (count[q]) for (let c = 0; c < D; c++) f[c] = beta * f[c] + ((1 - beta) * sum[q * D + c]) / count[q]
    return f
  })
  return { target, slot, tokens }
}

function runHoliTom(video: VideoTokens, plan: VideoPlan, params: Params, ctx: MethodContext): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const D = video.dim
  const rand = createRng(ctx.seed)
  const staticMask = new Uint8Array(Math.max(0, T - 1) * n)
  const row = new Float64Array(n)
  for (let t = 0; t + 1 < T; t++) {
    row.set(rowwiseCosines(video.tokens[t], video.tokens[t + 1], D))
    for (let i = 0; i < n; i++) staticMask[t * n + i] = row[i] > params.tau ? 1 : 0
  }
  const { windows, saved } = selectStaticWindows(staticMask, T, n, params.maxWindow)
  const total = T * n
  const r = Math.min(want / total / ((total - saved) / total), 1)

  const labels = new Int32Array(T * n).fill(-1)
  const frames: number[] = []
  const keys: number[] = []
  const feats: (Float32Array | undefined)[] = []
  const newToken = (t: number, key: number, f?: Float32Array) => (frames.push(t), keys.push(key), feats.push(f), frames.length - 1)

  for (const [s, e] of windows) {
    const W = e - s + 1
    const isStatic = new Uint8Array(n)
    if (W > 1) for (let i = 0; i < n; i++) isStatic[i] = 1
    for (let t = s; t < e; t++) for (let i = 0; i < n; i++) if (!staticMask[t * n + i]) isStatic[i] = 0
    const staticPos: number[] = []
    const dynamicPos: number[] = []
    for (let i = 0; i < n; i++) (isStatic[i] ? staticPos : dynamicPos).push(i)
    // Static: mean over the window, then density clustering.
    const S = staticPos.length
    const staticCentres = pyRound(S * r)
    if (S && staticCentres > 0) {
      const mean = new Float32Array(S * D)
      for (let t = s; t <= e; t++) staticPos.forEach((i, j) => {
        for (let c = 0; c < D; c++) mean[j * D + c] += video.tokens[t][i * D + c] / W
      })
      const { target, slot, tokens } = clusterMerge(mean, D, staticCentres, params.k, params.beta, rand)
      const ids = target.map((j, q) => newToken(s, j, tokens[q]))
      for (let t = s; t <= e; t++) staticPos.forEach((i, j) => (labels[t * n + i] = ids[slot[j]]))
    }
    // Dynamic: per frame, dominant by importance, the rest by density.
    const m = dynamicPos.length
    const keep = Math.ceil(m * r)
    const dominant = pyRound(keep * (1 - params.dominantShare))
    const contextual = keep - dominant
    for (let t = s; t <= e; t++) {
      const attn = Float64Array.from(dynamicPos, (i) => video.importance![t][i])
      const dom = new Uint8Array(m)
      for (const j of topK(attn, dominant)) dom[j] = 1
      dynamicPos.forEach((i, j) => dom[j] && (labels[t * n + i] = newToken(t, n + i)))
      if (contextual <= 0) continue
      const others = dynamicPos.filter((_, j) => !dom[j])
      const { target, slot, tokens } = clusterMerge(gatherRows(video.tokens[t], D, others), D, contextual, params.k, params.beta, rand)
      const ids = target.map((j, q) => newToken(t, 2 * n + others[j], tokens[q]))
      others.forEach((i, j) => (labels[t * n + i] = ids[slot[j]]))
    }
  }
  return assembleResult(video, { labels, frame: frames, key: keys, features: feats }, {
    derived: { windows: windows.length, savedByWindows: saved, retainRatio: r },
    notes: [],
  })
}
