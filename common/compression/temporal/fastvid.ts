import type { VideoTokens } from '../../tokens'
import { createRng } from '../../tensor/rng'
import { bottomK, topK } from '../../tensor/top-k'
import { consecutiveSimilarity, gatherRows } from '../../tensor/vectors'
import { cosineMatrix } from '../../tensor/similarity'
import { videoMethod } from '../define'
import type { MethodContext, VideoOutput, VideoPlan } from '../types'
import { assembleResult } from './assemble'
import { dpcKnnCenters, scaledDistances } from './dpc-knn'
import { globalFeatureParam, globalFeatures } from './global-features'

type Params = { c: number; tau: number; d: number; p: number; alpha: number; globalFeature: string; maxSegmentFrames: number }

/** Neighbours for the density (the code's topk(dist, k=4)). */
const DENSITY_K = 4

/**
 * FastVID (LunarShen/FastVID, LLaVA-NeXT modeling_qwen2.py, block "FastVID"), on X_t [N, D] with
 * per-patch importance a_t [N] standing in for the vision encoder's attention.
 *
 * DySeg: s_t = cos(g_t, g_{t+1}) of global frame features; cut after the c−1 lowest s_t and after
 * every s_t < tau (union); segments are the runs between cuts.
 * STPrune, per frame: retain = floor(N·r) with r the budget ratio; salient = retain − floor(retain·d)
 * top-a_t patches are kept as they are (ATS); context = retain − salient anchors per frame on average.
 * Anchor distribution: in a segment of L frames, the frames L−1, L−1−p, … (counted from the
 * segment's end) are anchor frames and get floor(context·L / ceil(L/p)) anchors each.
 * Density score on each frame's non-salient tokens: DPC (k = 4, distances / √D), score = δ·ρ.
 * DTM: a single-frame segment picks its top-score anchors and merges its own non-salient tokens into
 * the most cosine-similar anchor; in a multi-frame segment EVERY anchor frame picks anchors and
 * merges ALL the segment's non-salient tokens into them. A merged token is
 * w·anchor + (1−w)·mean(assigned), w = max(1/(count+1), alpha) (count includes the anchor).
 *
 * Choices left open, made here:
 * - Global feature: the class token when the model has one, else the mean patch (the code uses the
 *   vision tower's pooled head output); importance (class attention or a proxy) replaces the
 *   head's attention weights; no 2×2 pooling of the patch grid first.
 * - The TokenMap gives every patch one token, while the code merges a token of a multi-frame segment
 *   into one anchor of every anchor frame. The map sends each non-salient patch to the most similar
 *   anchor over all anchor frames of its segment; features follow the code. An anchor's own patch
 *   always maps to its own token.
 * - Segments longer than `maxSegmentFrames` (default 32, the frame count the paper uses with
 *   LLaVA-OneVision) are split into consecutive chunks, so DTM's work stays bounded on long videos.
 * - Anchor count clamped to a frame's non-salient tokens; c−1 clamped to T−1; DPC noise seeded.
 * Budget: at most the budget (per-frame floors and the anchor distribution round down); 'adaptive'.
 */
export const fastVid = videoMethod<Params>({
  id: 'fastvid',
  name: 'FastVID',
  family: 'temporal',
  paper: {
    title: 'FastVID: Dynamic Density Pruning for Fast Video Large Language Models',
    authors: 'Leqi Shen, Guoqiang Gong, Tao He, Yifeng Zhang, Pengzhang Liu, Sicheng Zhao, Guiguang Ding',
    venue: 'NeurIPS 2025',
    url: 'https://arxiv.org/abs/2503.11187',
  },
  summary: 'Cuts the video into segments, keeps the most attended tokens and merges the rest into density peaks.',
  params: {
    c: { type: 'integer', default: 8, min: 1, max: 1024, help: 'DySeg: at least c segments (c−1 lowest-similarity cuts)' },
    tau: { type: 'number', default: 0.9, min: -1, max: 1, step: 0.01, help: 'DySeg: also cut where consecutive similarity is below tau' },
    d: { type: 'number', default: 0.4, min: 0, max: 1, step: 0.05, help: 'STPrune: share of retained tokens that are density anchors (the rest are salient)' },
    p: { type: 'integer', default: 4, min: 1, max: 64, help: 'DTM: anchor frames every p frames within a segment' },
    alpha: { type: 'number', default: 0.6, min: 0, max: 1, step: 0.05, help: 'DTM: minimum weight of the anchor in its merged token' },
    globalFeature: globalFeatureParam,
    maxSegmentFrames: { type: 'integer', default: 32, min: 0, max: 100000, help: 'Split longer segments into chunks (0 = never); bounds the work on long videos' },
  },
  needs: { importance: 'proxy-ok' },
  budgetMode: 'adaptive',
  apply: (video, plan, params, ctx) => runFastVid(video, plan, params, ctx),
})

/** DySeg segment lengths for consecutive similarities sim [T-1]. */
export function dySeg(sim: Float64Array, T: number, c: number, tau: number): number[] {
  const cuts = new Set<number>(bottomK(sim, Math.min(c - 1, sim.length)))
  sim.forEach((s, t) => s < tau && cuts.add(t))
  const sorted = [...cuts].sort((a, b) => a - b)
  const bounds = [-1, ...sorted, T - 1]
  const out: number[] = []
  for (let j = 1; j < bounds.length; j++) if (bounds[j] > bounds[j - 1]) out.push(bounds[j] - bounds[j - 1])
  return out
}

function runFastVid(video: VideoTokens, plan: VideoPlan, params: Params, ctx: MethodContext): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const D = video.dim
  const rand = createRng(ctx.seed)
  const segs: number[] = []
  for (const L of dySeg(consecutiveSimilarity(globalFeatures(video, params.globalFeature)), T, params.c, params.tau)) {
    const chunk = params.maxSegmentFrames > 0 ? params.maxSegmentFrames : L
    for (let s = 0; s < L; s += chunk) segs.push(Math.min(chunk, L - s))
  }
  const retain = Math.floor((n * want) / (T * n))
  const salientNum = retain - Math.floor(retain * params.d)
  const contextNum = retain - salientNum

  const labels = new Int32Array(T * n).fill(-1)
  const frames: number[] = []
  const keys: number[] = []
  const feats: (Float32Array | undefined)[] = []
  const newToken = (t: number, i: number, f?: Float32Array) => {
    labels[t * n + i] = frames.length
    frames.push(t)
    keys.push(i)
    feats.push(f)
    return frames.length - 1
  }

  let start = 0
  for (const L of segs) {
    // Per frame: salient tokens, non-salient positions, their density scores.
    const rest: Int32Array[] = []
    const score: Float64Array[] = []
    for (let t = start; t < start + L; t++) {
      const sal = topK(video.importance![t], salientNum)
      const isSal = new Uint8Array(n)
      for (const i of Array.from(sal).sort((a, b) => a - b)) {
        isSal[i] = 1
        newToken(t, i)
      }
      const others = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !isSal[i])
      rest.push(others)
      score.push(dpcKnnCenters(scaledDistances(gatherRows(video.tokens[t], D, others), D), others.length, DENSITY_K, 0, rand).score)
    }
    // Anchor frames and anchor counts (from the segment's end, every p frames).
    const temp = Math.ceil(L / params.p)
    const cur = L === 1 ? contextNum : Math.floor((contextNum * L) / temp)
    const anchorFrames: number[] = []
    for (let j = 0; j < L; j++) if ((L - 1 - j) % params.p === 0 && cur > 0) anchorFrames.push(j)
    if (!anchorFrames.length) {
      start += L
      continue
    }
    // Members: the non-salient tokens of the whole segment (or of the frame, for L = 1).
    const memberFrame: number[] = []
    const memberPos: number[] = []
    rest.forEach((others, j) => others.forEach((i) => (memberFrame.push(start + j), memberPos.push(i))))
    const memberFeat = new Float32Array(memberPos.length * D)
    memberPos.forEach((i, m) => memberFeat.set(video.tokens[memberFrame[m]].subarray(i * D, i * D + D), m * D))
    // Anchors of every anchor frame, as member indices.
    const offsets: number[] = []
    let off = 0
    rest.forEach((others) => (offsets.push(off), (off += others.length)))
    const anchorSets = anchorFrames.map((j) => Array.from(topK(score[j], Math.min(cur, rest[j].length)), (a) => offsets[j] + a))
    const allAnchors = anchorSets.flat()
    const isAnchor = new Map(allAnchors.map((m, q) => [m, q]))
    // Similarity of every member to every anchor: [members, anchors].
    const A = allAnchors.length
    const sims = cosineMatrix(memberFeat, D, gatherRows(memberFeat, D, allAnchors))
    // Features per the code: every anchor frame aggregates all members into its own anchors.
    const anchorToken = new Int32Array(A)
    let q0 = 0
    for (const set of anchorSets) {
      const sum = new Float64Array(set.length * D)
      const count = new Int32Array(set.length)
      for (let m = 0; m < memberPos.length; m++) {
        let best = 0
        for (let q = 1; q < set.length; q++) if (sims[m * A + q0 + q] > sims[m * A + q0 + best]) best = q
        count[best]++
        for (let k = 0; k < D; k++) sum[best * D + k] += memberFeat[m * D + k]
      }
      set.forEach((m, q) => {
        const w = Math.max(1 / (count[q] + 1), params.alpha)
        const f = new Float32Array(D)
        for (let k = 0; k < D; k++) {
          const agg = sum[q * D + k] / Math.max(1, count[q])
          f[k] = w * memberFeat[m * D + k] + (1 - w) * agg
        }
        anchorToken[q0 + q] = newToken(memberFrame[m], memberPos[m], f)
      })
      q0 += set.length
    }
    // Map: each member to its most similar anchor over all anchor frames; anchors to themselves.
    for (let m = 0; m < memberPos.length; m++) {
      const own = isAnchor.get(m)
      let best = 0
      if (own !== undefined) best = own
      else for (let q = 1; q < A; q++) if (sims[m * A + q] > sims[m * A + best]) best = q
      labels[memberFrame[m] * n + memberPos[m]] = anchorToken[best]
    }
    start += L
  }
  return assembleResult(video, { labels, frame: frames, key: keys, features: feats }, {
    derived: { segments: segs.length, salientPerFrame: salientNum, contextPerFrame: contextNum },
    notes: [],
  })
}
