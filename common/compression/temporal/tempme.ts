import type { VideoTokens } from '../../tokens'
import { topK } from '../../tensor/top-k'
import { bestMatches } from '../../tensor/similarity'
import { allocateByWeights } from '../allocation'
import { videoMethod } from '../define'
import type { VideoOutput, VideoPlan } from '../types'
import { assembleResult } from './assemble'

type Params = { schedule: string }

/** A live token while merging: current mean feature [D], patch count, earliest frame, root patch id. */
interface Tok {
  id: number
  feat: Float32Array
  size: number
  frame: number
}

/**
 * TempMe, training-free approximation (Shen et al.; LunarShen/TempMe). TempMe merges tokens of
 * neighbouring clips progressively, fine to coarse, inside the CLIP ViT (default 12 frames,
 * `merge_frame_num` 2-2-3: 12 → 6 → 3 → 1 clip), with LoRA-trained ImgMe/ClipMe blocks.
 *
 * What we keep: the clip hierarchy and the merging rule. Frames are processed in blocks of
 * Π(schedule) frames (12 by default); at stage s neighbouring clips are grouped by the s-th group
 * size, and each group's tokens are merged ToMe-style (bipartite soft matching on cosine, size-weighted
 * averages): first a cross-clip round where the later clips' tokens (set A) are matched to the
 * first clip's tokens (set B), then, if the group must shrink more, ToMe rounds on the alternating
 * split of its tokens in (frame, position) order, at most half per round.
 *
 * What we approximate, and why: there is no ViT to run between merges (we only have the encoder's
 * output tokens) and no trained LoRA weights, so every stage works on the output features; the
 * paper's per-layer proportions (R_C = 70 %, R_I = 90 %) are replaced by a geometric schedule that
 * reaches the budget exactly: after stage s of S a block keeps round(N_b·q^{s/S}) tokens,
 * q = B_b / N_b (the last stage exactly B_b), split over groups in proportion to their token counts;
 * the video budget is split over blocks in proportion to their patches (a block that gets no token,
 * when the budget is below the block count, is dropped). A merged token is the mean
 * of its patches and sits at its earliest frame. Exact.
 */
export const tempMe = videoMethod<Params>({
  id: 'tempme',
  name: 'TempMe (training-free)',
  family: 'temporal',
  paper: {
    title: 'TempMe: Video Temporal Token Merging for Efficient Text-Video Retrieval',
    authors: 'Leqi Shen, Tianxiang Hao, Tao He, Sicheng Zhao, Yifeng Zhang, Pengzhang Liu, Yongjun Bao, Guiguang Ding',
    venue: 'ICLR 2025',
    url: 'https://arxiv.org/abs/2409.01156',
  },
  summary: 'Merges similar tokens of neighbouring clips, from short clips up to whole blocks of frames.',
  params: {
    schedule: {
      type: 'enum',
      default: '2-2-3',
      options: ['2-2-3', '2-2', '2-3', '3-2-2', '2-2-2', '4-3', '2'],
      help: 'Clips merged per group at each stage, fine to coarse (the paper: 2-2-3 on 12 frames)',
    },
  },
  needs: {},
  budgetMode: 'exact',
  apply: (video, plan, params) => runTempMe(video, plan, params),
})

/** The tokens' features as rows [m, D]. */
function rowsOf(tokens: Tok[], D: number): Float32Array {
  const out = new Float32Array(tokens.length * D)
  tokens.forEach((t, i) => out.set(t.feat, i * D))
  return out
}

/**
 * One bipartite soft matching round: each A token finds its most similar B token (float32 cosine,
 * tensor/similarity.ts; the first on ties); the r
 * best matches merge into B by size-weighted mean (parent[a.id] = b.id). Returns the surviving tokens.
 */
function mergeRound(a: Tok[], b: Tok[], r: number, parent: Int32Array): Tok[] {
  if (r <= 0 || !b.length || !a.length) return [...a, ...b]
  const D = a[0].feat.length
  const { index: best, value: score } = bestMatches(rowsOf(a, D), rowsOf(b, D), D)
  const merged = new Uint8Array(a.length)
  const sums = new Map<number, Float64Array>()
  for (const i of topK(score, r)) {
    merged[i] = 1
    const dst = b[best[i]]
    let sum = sums.get(best[i])
    if (!sum) {
      sum = Float64Array.from(dst.feat, (v) => v * dst.size)
      sums.set(best[i], sum)
    }
    for (let k = 0; k < D; k++) sum[k] += a[i].feat[k] * a[i].size
    dst.size += a[i].size
    dst.frame = Math.min(dst.frame, a[i].frame)
    parent[a[i].id] = dst.id
  }
  for (const [j, sum] of sums) b[j].feat = Float32Array.from(sum, (v) => v / b[j].size)
  return [...a.filter((_, i) => !merged[i]), ...b]
}

const byPlace = (p: Tok, q: Tok) => p.frame - q.frame || p.id - q.id

/** Merges one group of clips (each a token list, in time order) down to `target` tokens. */
function mergeGroup(clips: Tok[][], target: number, parent: Int32Array): Tok[] {
  let tokens = clips.flat()
  let need = tokens.length - target
  if (need > 0 && clips.length > 1) {
    const later = clips.slice(1).flat()
    tokens = mergeRound(later, clips[0], Math.min(need, later.length), parent)
    need = tokens.length - target
  }
  while (need > 0 && tokens.length > 1) {
    tokens.sort(byPlace)
    const a = tokens.filter((_, i) => i % 2 === 0)
    const b = tokens.filter((_, i) => i % 2 === 1)
    tokens = mergeRound(a, b, Math.min(need, a.length), parent)
    need = tokens.length - target
  }
  return tokens.sort(byPlace)
}

function runTempMe(video: VideoTokens, plan: VideoPlan, params: Params): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const D = video.dim
  const groups = params.schedule.split('-').map(Number)
  const blockLen = groups.reduce((a, b) => a * b, 1)
  const blocks: [number, number][] = []
  for (let s = 0; s < T; s += blockLen) blocks.push([s, Math.min(T, s + blockLen)])
  const blockBudget = allocateByWeights(
    blocks.map(([s, e]) => (e - s) * n),
    want,
    blocks.map(([s, e]) => (e - s) * n),
  )
  const parent = Int32Array.from({ length: T * n }, (_, k) => k)
  const dropped = new Uint8Array(T)
  blocks.forEach(([s, e], b) => {
    if (blockBudget[b] === 0) return void dropped.fill(1, s, e)
    const blockN = (e - s) * n
    const q = blockBudget[b] / blockN
    let clips: Tok[][] = []
    for (let t = s; t < e; t++) clips.push(Array.from({ length: n }, (_, i) => ({ id: t * n + i, feat: video.tokens[t].subarray(i * D, i * D + D), size: 1, frame: t })))
    groups.forEach((g, stage) => {
      const count = clips.reduce((a, c) => a + c.length, 0)
      const last = stage === groups.length - 1
      const stageTarget = last ? blockBudget[b] : Math.max(blockBudget[b], Math.min(count, Math.round(blockN * Math.pow(q, (stage + 1) / groups.length))))
      const grouped: Tok[][][] = []
      for (let c = 0; c < clips.length; c += g) grouped.push(clips.slice(c, c + g))
      const sizes = grouped.map((gr) => gr.reduce((a, c) => a + c.length, 0))
      const targets = allocateByWeights(sizes, stageTarget, sizes)
      clips = grouped.map((gr, j) => mergeGroup(gr, targets[j], parent))
    })
  })
  const find = (k: number) => {
    while (parent[k] !== k) k = parent[k]
    return k
  }
  const labels = new Int32Array(T * n)
  const rootToken = new Map<number, number>()
  const frames: number[] = []
  const keys: number[] = []
  for (let k = 0; k < T * n; k++) {
    if (dropped[Math.floor(k / n)]) {
      labels[k] = -1
      continue
    }
    const root = find(k)
    let id = rootToken.get(root)
    if (id === undefined) {
      id = frames.length
      rootToken.set(root, id)
      frames.push(Math.floor(k / n))
      keys.push(root)
    }
    labels[k] = id
  }
  return assembleResult(video, { labels, frame: frames, key: keys }, { derived: { blocks: blocks.length, stages: groups.length }, notes: [] })
}
