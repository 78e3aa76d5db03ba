import type { VideoTokens } from '../../tokens'
import { createRng } from '../../tensor/rng'
import { bottomK } from '../../tensor/top-k'
import { gatherRows, l2NormalizeRows, meanRows } from '../../tensor/vectors'
import { bestMatches, cosineMatrix } from '../../tensor/similarity'
import { videoMethod } from '../define'
import type { MethodContext, VideoOutput, VideoPlan } from '../types'
import { assembleResult, tokenCollector } from './assemble'
import { dpcKnnCluster } from './dpc-knn'

type Params = { alpha: number; temporalThreshold: number; segmentThreshold: number; minSegments: number; selection: string }

/** DPC-kNN neighbours cap (the code's k = min(num_clusters, 7)). */
const DPC_K = 7
/** Floor of the soft temporal threshold (the code's max(soft, −1 + 1e-6)). */
const SOFT_FLOOR = -1 + 1e-6

/**
 * FlashVID's DySeg (utils.py segment + additional_segment): s_t = cosine of the mean tokens of
 * frames t and t+1; cut after every t with s_t < threshold; while there are fewer than
 * `minSegments` segments, the lowest remaining s_t (cut ones set to 1.0) add the missing cuts.
 * Duplicate cuts (possible only when too few positions are left) are dropped, so no segment is
 * empty. → segment lengths [≥ 1], summing to T.
 */
export function dySegLengths(video: VideoTokens, threshold: number, minSegments: number): number[] {
  const T = video.tokens.length
  const g = l2NormalizeRows(Float32Array.from(video.tokens.flatMap((x) => Array.from(meanRows(x, video.dim)))), video.dim)
  const sim = Float64Array.from({ length: Math.max(0, T - 1) }, (_, t) => {
    let s = 0
    for (let k = 0; k < video.dim; k++) s += g[t * video.dim + k] * g[(t + 1) * video.dim + k]
    return s
  })
  const cuts = new Set<number>()
  sim.forEach((s, t) => s < threshold && cuts.add(t))
  if (cuts.size + 1 < minSegments) {
    const rest = sim.map((s, t) => (cuts.has(t) ? 1 : s))
    for (const t of bottomK(rest, Math.min(minSegments - cuts.size - 1, sim.length))) cuts.add(t)
  }
  const bounds = [-1, ...[...cuts].sort((a, b) => a - b), T - 1]
  const out: number[] = []
  for (let j = 1; j < bounds.length; j++) if (bounds[j] > bounds[j - 1]) out.push(bounds[j] - bounds[j - 1])
  return out
}

/**
 * ADTS (token_selection.py attn_div_v2_based_token_selection; v1 = attn_div_based) on one frame:
 * Δ[i][j] = 1 − cos(x_i, x_j) with every column j scaled by c_j = a_j · e_j (v2; e_j = x_j · the
 * segment's mean token, raw dot) or c_j = a_j (v1); the first pick is the column whose
 * second-smallest entry is largest, each next pick the column whose smallest entry over the picked
 * rows is largest (max-min diversity), picked columns excluded. x [N, D], a [N], relevance [N] or
 * undefined → `count` patch ids, ascending.
 */
export function adtsSelect(x: Float32Array, d: number, a: Float32Array, relevance: Float64Array | undefined, count: number): Int32Array {
  const n = x.length / d
  const k = Math.min(count, n)
  if (k <= 0) return new Int32Array(0)
  const cos = cosineMatrix(x, d)
  const c = Float64Array.from(a, (v, j) => v * (relevance ? relevance[j] : 1))
  const dist = (i: number, j: number) => (1 - cos[i * n + j]) * c[j]
  let first = 0
  let firstScore = -Infinity
  for (let j = 0; j < n; j++) {
    let lo = Infinity
    let second = Infinity
    for (let i = 0; i < n; i++) {
      const v = dist(i, j)
      if (v < lo) {
        second = lo
        lo = v
      } else if (v < second) second = v
    }
    const score = n > 1 ? second : lo
    if (score > firstScore) {
      firstScore = score
      first = j
    }
  }
  const picked = new Uint8Array(n)
  const minDist = Float64Array.from({ length: n }, (_, j) => dist(first, j))
  const out = [first]
  picked[first] = 1
  while (out.length < k) {
    let best = -1
    for (let j = 0; j < n; j++) if (!picked[j] && (best < 0 || minDist[j] > minDist[best])) best = j
    out.push(best)
    picked[best] = 1
    for (let j = 0; j < n; j++) minDist[j] = Math.min(minDist[j], dist(best, j))
  }
  return Int32Array.from(out).sort()
}

/**
 * TSTM's redundancy trees (utils.py spatiotemporal_compression) over a segment's frames: each
 * non-ADTS token of frame f ≥ 1 links to its most similar non-ADTS token of frame f − 1 at any
 * position (first on ties) when that cosine exceeds `threshold`; when fewer than `lowerBound`
 * tokens (ADTS ones included) stay unlinked, the threshold drops to the (F·N − lowerBound)-th
 * largest similarity (floored at −1 + 1e-6). frames: F × [N, D], adts: F × [N] (1 = ADTS) →
 * root [F·N]: the segment-local id f·N + i of the tree root each token belongs to (itself when unlinked).
 */
export function redundancyTrees(frames: Float32Array[], d: number, adts: Uint8Array[], threshold: number, lowerBound: number): Int32Array {
  const F = frames.length
  const n = frames[0].length / d
  const maxSim = new Float64Array(F * n).fill(-1)
  const parent = new Int32Array(F * n).fill(-1)
  let prevIds: number[] = []
  let prevRows: Float32Array = new Float32Array(0)
  for (let f = 0; f < F; f++) {
    const ids = Array.from({ length: n }, (_, i) => i).filter((i) => !adts[f][i])
    const rows = gatherRows(frames[f], d, ids)
    if (f > 0 && prevIds.length && ids.length) {
      const best = bestMatches(rows, prevRows, d)
      ids.forEach((i, r) => {
        maxSim[f * n + i] = Math.max(-1, best.value[r])
        parent[f * n + i] = prevIds[best.index[r]]
      })
    }
    prevIds = ids
    prevRows = rows
  }
  let cut = threshold
  let unlinked = 0
  for (const s of maxSim) if (!(s > cut)) unlinked++
  if (unlinked < lowerBound) {
    // The code's soft threshold; with no room left (lowerBound = F·N) nothing links.
    const room = F * n - lowerBound
    cut = room > 0 ? Math.max(Float64Array.from(maxSim).sort((p, q) => q - p)[room - 1], SOFT_FLOOR) : Infinity
  }
  const root = new Int32Array(F * n)
  for (let k = 0; k < F * n; k++) root[k] = maxSim[k] > cut ? root[(Math.floor(k / n) - 1) * n + parent[k]] : k
  return root
}

/**
 * flashvid: FlashVID's vision-side compression (Fanziyang-v/FlashVID @ 1d37422, flashvid/utils.py
 * flashvid_compression, segment_compression, spatiotemporal_compression, dpc_knn;
 * flashvid/token_selection.py; settings of scripts/llava_ov.sh), on X_t [N, D] with importance a_t [N].
 *
 * Per-frame counts: budget = ceil(N·r) with r = budget/(T·N); ADTS keeps ceil(budget·alpha) per
 * frame, the trees and clusters stand for the other budget − that (n_sttm) per frame.
 * 1. DySeg (dySegLengths): threshold 0.9, at least 8 segments.
 * 2. Per segment, per frame: ADTS (adtsSelect, v2 by default: attention × event relevance
 *    calibration, max-min diversity); the picked tokens are kept unchanged.
 * 3. TSTM (redundancyTrees): the other tokens link to their most similar token of the previous
 *    frame at any position above temporalThreshold 0.8 (a soft threshold keeps at least
 *    (n_adts + n_sttm)·F unlinked); each tree becomes one token, the plain mean of its members,
 *    placed at its root.
 * 4. Per frame, DPC-kNN (dpcKnnCluster: distances / √D, k = min(clusters, 7), seeded noise) of the
 *    roots into ceil(|roots_f|·ratio) clusters, ratio = n_sttm·F / Σ|roots| (no clustering when
 *    ratio ≥ 1); a cluster is the plain mean of its roots' features, placed at its centre root.
 * TokenMap: an ADTS patch is its own token; any other patch follows its tree to the root (an
 * earlier frame, any position) and the root to its cluster. Tokens are ordered by (frame, patch).
 * Choices and adaptations:
 * - The inner-LLM stage (FastV pruning at layer 20 to 30 %) needs the LLM and is left out, so the
 *   vision side's over-provisioning `expansion` 1.25 is 1 here (1.25 without the LLM stage would
 *   overshoot the budget by 25 %).
 * - Importance (class attention or a saliency proxy, reported) replaces the code's "[CLS]
 *   attention", which for SigLIP is itself a proxy: the mean attention each token receives.
 *   Features: cached ViT patch tokens, no 2×2 pooling.
 * - v2 (the paper's scripts) does not exclude picked tokens; with negative event relevance it could
 *   pick a token twice, which a TokenMap cannot hold: picked tokens are excluded (as v1 does).
 * - A single-frame segment: the code feeds all N tokens, ADTS ones included, to the clustering;
 *   here only the non-ADTS ones (as in longer segments), so every cluster owns patches. The count
 *   is the same: ceil((N − n_adts)·ratio) = n_sttm.
 * - The code's 1e6 attention scale only guards float32 underflow and is left out (float64 here);
 *   ties go to the lower index (first max). Duplicate DySeg cuts are dropped.
 * Budget: about the budget (the ceilings and the lower bound); 'adaptive', tokensOut reported.
 */
export const flashVid = videoMethod<Params>({
  id: 'flashvid',
  name: 'FlashVID (ADTS + redundancy trees)',
  family: 'temporal',
  paper: {
    title: 'FlashVID: Efficient Video Large Language Models via Training-free Tree-based Spatiotemporal Token Merging',
    authors: 'Ziyang Fan, Keyu Chen, Ruilong Xing, Yulin Li, Li Jiang, Zhuotao Tian',
    venue: 'ICLR 2026',
    url: 'https://arxiv.org/abs/2602.08024',
  },
  summary: 'Per segment, keeps attended and diverse tokens and merges the rest along trees of similar tokens across frames.',
  params: {
    alpha: { type: 'number', default: 0.7, min: 0, max: 1, step: 0.05, help: 'share of each frame’s budget selected by ADTS (attention + diversity); the rest is merged (code 0.7)' },
    temporalThreshold: { type: 'number', default: 0.8, min: -1, max: 1, step: 0.01, help: 'a token joins its most similar token of the previous frame above this cosine (code 0.8; 1 = no trees)' },
    segmentThreshold: { type: 'number', default: 0.9, min: -1, max: 1, step: 0.01, help: 'DySeg: cut where consecutive frames’ mean tokens have a lower cosine (code 0.9)' },
    minSegments: { type: 'integer', default: 8, min: 1, max: 100000, help: 'DySeg: at least this many segments (code 8)' },
    selection: {
      type: 'enum',
      default: 'adts-v2',
      options: ['adts-v2', 'adts-v1'],
      help: "'adts-v2': attention × event relevance calibration (the paper's scripts); 'adts-v1': attention only",
    },
  },
  needs: { importance: 'proxy-ok' },
  budgetMode: 'adaptive',
  apply: (video, plan, params, ctx) => runFlashVid(video, plan, params, ctx),
})

function runFlashVid(video: VideoTokens, plan: VideoPlan, params: Params, ctx: MethodContext): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const d = video.dim
  const rand = createRng(ctx.seed)
  const budget = Math.ceil(n * (want / (T * n)))
  const nAdts = Math.ceil(budget * params.alpha)
  const nSttm = budget - nAdts
  const { tokens, add } = tokenCollector(T * n)
  const labels = tokens.labels
  const segments = dySegLengths(video, params.segmentThreshold, params.minSegments)
  let start = 0
  for (const F of segments) {
    const frames = video.tokens.slice(start, start + F)
    const relevance = params.selection === 'adts-v2' ? eventRelevance(frames, d) : undefined
    const adts = frames.map((x, f) => {
      const mask = new Uint8Array(n)
      for (const i of adtsSelect(x, d, video.importance![start + f], relevance?.[f], nAdts)) {
        mask[i] = 1
        labels[(start + f) * n + i] = add(start + f, i)
      }
      return mask
    })
    if (nSttm > 0 && params.temporalThreshold < 1) {
      const root = F > 1 ? redundancyTrees(frames, d, adts, params.temporalThreshold, (nAdts + nSttm) * F) : Int32Array.from({ length: n }, (_, i) => i)
      mergeTrees(video, start, F, adts, root, nSttm * F, rand, labels, add)
    }
    start += F
  }
  return assembleResult(video, tokens, {
    derived: { segments: segments.length, adtsPerFrame: nAdts, mergedPerFrame: nSttm },
    notes: [],
  })
}

/** e[f][j] = x_{f,j} · (mean token of the segment) — the v2 event relevance. frames F × [N, D] → F × [N]. */
function eventRelevance(frames: Float32Array[], d: number): Float64Array[] {
  const mean = new Float64Array(d)
  for (const x of frames) {
    const m = meanRows(x, d)
    for (let k = 0; k < d; k++) mean[k] += m[k] / frames.length
  }
  return frames.map((x) => Float64Array.from({ length: x.length / d }, (_, j) => {
    let s = 0
    for (let k = 0; k < d; k++) s += x[j * d + k] * mean[k]
    return s
  }))
}

/**
 * The trees' tokens of one segment (frames start … start+F−1): each tree is the mean of its members,
 * then per frame DPC-kNN clusters of the roots (when ratio = sttmTokens / Σ|roots| < 1); writes the
 * labels of every non-ADTS patch of the segment.
 */
function mergeTrees(
  video: VideoTokens,
  start: number,
  F: number,
  adts: Uint8Array[],
  root: Int32Array,
  sttmTokens: number,
  rand: () => number,
  labels: Int32Array,
  newToken: (t: number, i: number, f?: Float32Array) => number,
): void {
  const n = video.grid.h * video.grid.w
  const d = video.dim
  // Tree sums at their roots (segment-local ids), then means.
  const sums = new Map<number, Float64Array>()
  const counts = new Map<number, number>()
  for (let k = 0; k < F * n; k++) {
    if (adts[Math.floor(k / n)][k % n]) continue
    const r = root[k]
    let s = sums.get(r)
    if (!s) sums.set(r, (s = new Float64Array(d)))
    const x = video.tokens[start + Math.floor(k / n)]
    for (let c = 0, o = (k % n) * d; c < d; c++) s[c] += x[o + c]
    counts.set(r, (counts.get(r) ?? 0) + 1)
  }
  const roots = [...sums.keys()].sort((a, b) => a - b)
  const ratio = roots.length ? sttmTokens / roots.length : Infinity
  const tokenOfRoot = new Map<number, number>()
  for (let f = 0; f < F; f++) {
    const inFrame = roots.filter((r) => Math.floor(r / n) === f)
    if (!inFrame.length) continue
    const feat = new Float32Array(inFrame.length * d)
    inFrame.forEach((r, q) => {
      const s = sums.get(r)!
      const inv = 1 / counts.get(r)!
      for (let c = 0; c < d; c++) feat[q * d + c] = s[c] * inv
    })
    const clusters = Math.ceil(inFrame.length * ratio)
    if (clusters > 0 && ratio < 1) {
      const { labels: member, centers } = dpcKnnCluster(feat, d, clusters, Math.min(clusters, DPC_K), rand)
      const mean = new Float64Array(centers.length * d)
      const size = new Int32Array(centers.length)
      member.forEach((g, q) => {
        size[g]++
        for (let c = 0; c < d; c++) mean[g * d + c] += feat[q * d + c]
      })
      const ids = Array.from(centers, (q, g) => newToken(start + f, inFrame[q] % n, Float32Array.from(mean.subarray(g * d, (g + 1) * d), (v) => v / size[g])))
      inFrame.forEach((r, q) => tokenOfRoot.set(r, ids[member[q]]))
    } else {
      inFrame.forEach((r, q) => tokenOfRoot.set(r, newToken(start + f, r % n, feat.slice(q * d, (q + 1) * d))))
    }
  }
  for (let k = 0; k < F * n; k++) if (!adts[Math.floor(k / n)][k % n]) labels[start * n + k] = tokenOfRoot.get(root[k])!
}
