import type { VideoTokens } from '../../tokens'
import { patchCount } from '../../tokens'
import { createRng } from '../../tensor/rng'
import { gatherRows, meanRows } from '../../tensor/vectors'
import { videoMethod } from '../define'
import type { MethodContext, VideoOutput, VideoPlan } from '../types'
import { assembleResult } from './assemble'
import { dpcKnnCluster } from './dpc-knn'

type Params = { tau: number; temporalSegmentRatio: number; clusterRatio: number; k: number }

/** Below this many tokens a set is not clustered (the code's hard-coded `shape[1] > 14`). */
const MIN_TOKENS_TO_CLUSTER = 14

/**
 * PruneVid, visual stage (`merge_frames_dynamic` in Visual-AI/PruneVid models/pllava/modeling_pllava.py).
 *
 * 1. Temporal segmentation: DPC-KNN over the T frame features (mean of each frame's tokens [D]) with
 *    int(T·temporalSegmentRatio) clusters and k = 7; `refine_clusters` keeps, per cluster, its
 *    longest contiguous run(s) and relabels the other runs with the neighbour whose run is longer
 *    (left on ties); segments are the maximal runs of equal labels.
 * 2. In a segment of W frames, position i is static when the mean pairwise cosine of its W tokens
 *    over distinct frame pairs exceeds tau (0.8). W = 1 has no pairs (the code divides 0 by 0, NaN),
 *    so nothing is static.
 * 3. Static positions are averaged over the segment; if there are more than 14 they are clustered
 *    by DPC-KNN into int(S·clusterRatio) tokens (cluster mean), placed at the segment's first frame.
 * 4. Each frame's dynamic tokens (more than 14) are clustered the same way, per frame.
 * Every output token is the mean of its member patches. Output order per segment: static tokens,
 * then each frame's dynamic tokens, clusters in DPC score order (as the code concatenates them).
 *
 * Choices left open: runs on the encoder's patch grid (PLLaVA first pools to 12×12 and projects
 * into the LLM space); cluster counts are floored at 1 and k at the set size (torch would fail);
 * the DPC tie-breaking noise comes from the seeded rng. Adaptive by design: the budget is not used.
 */
export const pruneVid = videoMethod<Params>({
  id: 'prunevid',
  name: 'PruneVid (visual stage)',
  family: 'temporal',
  paper: {
    title: 'PruneVid: Visual Token Pruning for Efficient Video Large Language Models',
    authors: 'Xiaohu Huang, Hao Zhou, Kai Han',
    venue: 'ACL 2025 (Findings)',
    url: 'https://arxiv.org/abs/2412.16117',
  },
  summary: 'Averages static regions over scene segments, then clusters the remaining tokens.',
  params: {
    tau: { type: 'number', default: 0.8, min: -1, max: 1, step: 0.01, help: 'Mean pairwise cosine above which a position is static within a segment' },
    temporalSegmentRatio: { type: 'number', default: 0.25, min: 0.01, max: 1, step: 0.01, help: 'Frame clusters = int(T × ratio) before refinement' },
    clusterRatio: { type: 'number', default: 0.5, min: 0.01, max: 1, step: 0.01, help: 'Spatial clusters = int(tokens × ratio) for static and dynamic sets' },
    k: { type: 'integer', default: 7, min: 1, max: 64, help: 'Neighbours for the DPC-KNN density' },
  },
  needs: {},
  budgetMode: 'adaptive',
  apply: (video, plan, params, ctx) => runPruneVid(video, plan, params, ctx),
})

/** PruneVid's refine_clusters on one sequence of frame labels [T] → refined labels [T]. */
export function refineClusters(labels: Int32Array): Int32Array {
  const T = labels.length
  const refined = Int32Array.from(labels)
  const runs = new Map<number, [number, number][]>()
  for (let s = 0; s < T; ) {
    let e = s
    while (e + 1 < T && labels[e + 1] === labels[s]) e++
    if (!runs.has(labels[s])) runs.set(labels[s], [])
    runs.get(labels[s])!.push([s, e])
    s = e + 1
  }
  for (const segs of runs.values()) {
    const longest = Math.max(...segs.map(([s, e]) => e - s + 1))
    for (const [s, e] of segs) if (longest === 1 || e - s + 1 !== longest) refined.fill(-1, s, e + 1)
  }
  for (let idx = 0; idx < T; ) {
    if (refined[idx] !== -1) {
      idx++
      continue
    }
    const start = idx
    while (idx < T && refined[idx] === -1) idx++
    const end = idx - 1
    let left: number | undefined
    let leftLen = 0
    if (start > 0) {
      left = refined[start - 1]
      let l = start - 1
      while (l >= 0 && refined[l] === left) l--
      leftLen = start - l - 1
    }
    let right: number | undefined
    let rightLen = 0
    if (end < T - 1) {
      right = refined[end + 1]
      let r = end + 1
      while (r < T && refined[r] === right) r++
      rightLen = r - end - 1
    }
    const label = leftLen > rightLen ? left : rightLen > leftLen ? right : (left ?? right)
    refined.fill(label ?? 0, start, end + 1)
  }
  return refined
}

/** Lengths of the maximal runs of equal labels. */
export function segmentLengths(labels: Int32Array): number[] {
  const out: number[] = []
  for (let s = 0; s < labels.length; ) {
    let e = s
    while (e + 1 < labels.length && labels[e + 1] === labels[s]) e++
    out.push(e - s + 1)
    s = e + 1
  }
  return out
}

/** Mean pairwise cosine over distinct frame pairs of each position in frames s..s+W-1: (|Σu|² − W) / (W(W−1)). [N] */
export function meanPairwiseCosine(video: VideoTokens, s: number, W: number): Float64Array {
  const n = patchCount(video.grid)
  const d = video.dim
  const out = new Float64Array(n)
  const sum = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    sum.fill(0)
    for (let t = s; t < s + W; t++) {
      const x = video.tokens[t]
      let nrm = 0
      for (let c = i * d; c < i * d + d; c++) nrm += x[c] * x[c]
      const inv = nrm > 0 ? 1 / Math.sqrt(nrm) : 0
      for (let c = 0; c < d; c++) sum[c] += x[i * d + c] * inv
    }
    let sq = 0
    for (let c = 0; c < d; c++) sq += sum[c] * sum[c]
    out[i] = W > 1 ? (sq - W) / (W * (W - 1)) : NaN
  }
  return out
}

function runPruneVid(video: VideoTokens, plan: VideoPlan, params: Params, ctx: MethodContext): VideoOutput {
  const { n, frames: T } = plan
  const d = video.dim
  const rand = createRng(ctx.seed)
  const frameFeat = new Float32Array(T * d)
  video.tokens.forEach((x, t) => frameFeat.set(meanRows(x, d), t * d))
  const frameClusters = Math.max(1, Math.floor(T * params.temporalSegmentRatio))
  const segLens = segmentLengths(refineClusters(dpcKnnCluster(frameFeat, d, frameClusters, params.k, rand).labels))

  const labels = new Int32Array(T * n).fill(-1)
  const frames: number[] = []
  const keys: number[] = []
  /** Clusters the rows `positions` of `feats` [P, D] (or keeps them apart when few); returns a label per row. */
  const spatial = (feats: Float32Array, count: number): { label: Int32Array; clusters: number } => {
    if (count > MIN_TOKENS_TO_CLUSTER) {
      const clusters = Math.max(1, Math.floor(count * params.clusterRatio))
      return { label: dpcKnnCluster(feats, d, clusters, params.k, rand).labels, clusters }
    }
    return { label: Int32Array.from({ length: count }, (_, j) => j), clusters: count }
  }
  let start = 0
  let staticTotal = 0
  for (const W of segLens) {
    const sim = meanPairwiseCosine(video, start, W)
    const staticPos: number[] = []
    const dynamicPos: number[] = []
    for (let i = 0; i < n; i++) (sim[i] > params.tau ? staticPos : dynamicPos).push(i)
    staticTotal += staticPos.length
    if (staticPos.length) {
      const mean = new Float32Array(staticPos.length * d)
      for (let t = start; t < start + W; t++) {
        const x = video.tokens[t]
        staticPos.forEach((i, j) => {
          for (let c = 0; c < d; c++) mean[j * d + c] += x[i * d + c] / W
        })
      }
      const { label, clusters } = spatial(mean, staticPos.length)
      const base = frames.length
      for (let c = 0; c < clusters; c++) {
        frames.push(start)
        keys.push(c)
      }
      for (let t = start; t < start + W; t++) staticPos.forEach((i, j) => (labels[t * n + i] = base + label[j]))
    }
    if (dynamicPos.length) {
      for (let t = start; t < start + W; t++) {
        const { label, clusters } = spatial(gatherRows(video.tokens[t], d, dynamicPos), dynamicPos.length)
        const base = frames.length
        for (let c = 0; c < clusters; c++) {
          frames.push(t)
          keys.push(n + c)
        }
        dynamicPos.forEach((i, j) => (labels[t * n + i] = base + label[j]))
      }
    }
    start += W
  }
  return assembleResult(video, { labels, frame: frames, key: keys }, {
    derived: { segments: segLens.length, staticPositions: staticTotal },
    notes: ['PruneVid is adaptive: its thresholds and ratios, not the budget, set the token count'],
  })
}
