import type { VideoTokens } from '../../tokens'
import { pyRound } from '../../tensor/rounding'
import { videoMethod } from '../define'
import type { VideoOutput, VideoPlan } from '../types'
import { assembleResult } from './assemble'

type Params = { thumbnailFrames: number }

/**
 * TS-LLaVA, Thumbnail-and-Sampling (tingyu215/TS-LLaVA llava_arch.py, default aggregation V2).
 *
 * Thumbnail: NT = 6 frames at round(linspace(0, T−1, NT)) (torch.round, half to even) are tiled
 * into one image by `create_image_grid`: `find_best_grid` picks the factor pair with the smallest
 * difference and puts the larger one in rows, so 6 frames form 3 rows × 2 columns, row-major in
 * time; each frame is area-downscaled into its cell and the image is re-encoded (h·w tokens).
 * Sampled tokens: round(linspace(0, T·N − 1, S)) over all frames' tokens flattened frame-major
 * (`sample_tokens`), S = budget − thumbnail tokens (the paper: 2880 sampled + 576 thumbnail tokens).
 *
 * How thumbnail tokens map to source patches (there is no encoder to re-run here): the thumbnail
 * is an h × w token grid; cell (r, c) spans token rows floor(r·h/R)..floor((r+1)·h/R)−1 and columns
 * floor(c·w/C)..; source patch (y, x) of the cell's frame goes to thumbnail token
 * (floor(y·ch/h), floor(x·cw/w)) of its ch × cw cell, and the token's feature is the mean of the
 * source patches it covers (area pooling stands in for re-encoding the downscaled image).
 *
 * Choices left open: a patch both sampled and in a thumbnail cell belongs to its sampled token in
 * the map (the thumbnail token's feature still averages its whole cell); a thumbnail token whose
 * patches were all sampled is dropped, and S grows by the dropped count (repeated until the total
 * reaches the budget) so the output stays on budget. The TokenMap orders tokens by frame, so each
 * thumbnail token sits at its source frame instead of after all sampled tokens (V2's LLM order).
 * Budget: exact unless the budget is below the thumbnail's h·w tokens or a token was dropped
 * ('adaptive').
 */
export const tsThumbnail = videoMethod<Params>({
  id: 'ts-thumbnail',
  name: 'TS-LLaVA thumbnail + sampling',
  family: 'temporal',
  paper: {
    title: 'TS-LLaVA: Constructing Visual Tokens through Thumbnail-and-Sampling for Training-Free Video Large Language Models',
    authors: 'Tingyu Qu, Mingxiao Li, Tinne Tuytelaars, Marie-Francine Moens',
    venue: 'arXiv 2024',
    url: 'https://arxiv.org/abs/2411.11066',
  },
  summary: 'A thumbnail of a few equidistant frames tiled into one frame, plus tokens sampled over the whole video.',
  params: {
    thumbnailFrames: { type: 'integer', default: 6, min: 1, max: 64, help: 'Equidistant frames tiled into the thumbnail (4, 6 or 8 in the paper)' },
  },
  needs: {},
  budgetMode: 'adaptive',
  apply: (video, plan, params) => runTsThumbnail(video, plan, params),
})

/** round(linspace(0, n−1, k)) with half-to-even rounding, as torch does. */
export function linspaceIndices(n: number, k: number): Int32Array {
  if (k <= 0) return new Int32Array(0)
  if (k === 1) return Int32Array.of(0)
  return Int32Array.from({ length: k }, (_, j) => Math.min(n - 1, pyRound((j * (n - 1)) / (k - 1))))
}

/** TS-LLaVA's find_best_grid: [rows, cols] with rows ≥ cols and the smallest difference. */
export function bestGrid(frames: number): [number, number] {
  let best: [number, number] = [1, frames]
  for (let i = 1; i * i <= frames; i++) if (frames % i === 0 && Math.abs(i - frames / i) < Math.abs(best[0] - best[1])) best = [i, frames / i]
  return best[0] >= best[1] ? best : [best[1], best[0]]
}

/** How many thumbnail tokens lose every patch to the sampled set. */
function droppedThumbnailTokens(cellOf: Int32Array, thumbFrames: Int32Array, n: number, sampled: Int32Array, T: number): number {
  const isSampled = new Uint8Array(T * n)
  for (const k of sampled) isSampled[k] = 1
  const alive = new Set<number>()
  const all = new Set<number>()
  thumbFrames.forEach((t, k) => {
    for (let i = 0; i < n; i++) {
      const cell = cellOf[k * n + i]
      if (cell < 0) continue
      all.add(k * n + cell)
      if (!isSampled[t * n + i]) alive.add(k * n + cell)
    }
  })
  return all.size - alive.size
}

function runTsThumbnail(video: VideoTokens, plan: VideoPlan, params: Params): VideoOutput {
  const { h, w } = video.grid
  const { n, frames: T, tokens: want } = plan
  const D = video.dim
  const NT = Math.min(params.thumbnailFrames, T)
  const thumbFrames = linspaceIndices(T, NT)
  const [R, C] = bestGrid(NT)
  // Thumbnail token of every source patch of the thumbnail frames ([NT, N], -1 when the cell is empty).
  const cellOf = new Int32Array(NT * n).fill(-1)
  for (let k = 0; k < NT; k++) {
    const r = Math.floor(k / C)
    const c = k % C
    const y0 = Math.floor((r * h) / R)
    const ch = Math.floor(((r + 1) * h) / R) - y0
    const x0 = Math.floor((c * w) / C)
    const cw = Math.floor(((c + 1) * w) / C) - x0
    if (ch <= 0 || cw <= 0) continue
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) cellOf[k * n + y * w + x] = (y0 + Math.floor((y * ch) / h)) * w + x0 + Math.floor((x * cw) / w)
  }
  const thumbTokens = new Set(cellOf.filter((v) => v >= 0)).size
  // Sampling a thumbnail token's every patch drops that token; sample more to stay on budget.
  let sampled = linspaceIndices(T * n, Math.max(0, want - thumbTokens))
  for (let guard = 0; guard < 16; guard++) {
    const total = sampled.length + thumbTokens - droppedThumbnailTokens(cellOf, thumbFrames, n, sampled, T)
    if (total >= want || sampled.length >= T * n) break
    sampled = linspaceIndices(T * n, Math.min(T * n, sampled.length + want - total))
  }
  const labels = new Int32Array(T * n).fill(-1)
  const frames: number[] = []
  const keys: number[] = []
  const feats: (Float32Array | undefined)[] = []
  for (const k of sampled) {
    labels[k] = frames.length
    frames.push(Math.floor(k / n))
    keys.push(k % n)
    feats.push(undefined)
  }
  let dropped = 0
  for (let k = 0; k < NT; k++) {
    const t = thumbFrames[k]
    // Mean of every covered patch, and the not-sampled patches as members.
    const sums = new Map<number, { f: Float64Array; count: number; members: number[]; first: number }>()
    for (let i = 0; i < n; i++) {
      const cell = cellOf[k * n + i]
      if (cell < 0) continue
      let e = sums.get(cell)
      if (!e) sums.set(cell, (e = { f: new Float64Array(D), count: 0, members: [], first: i }))
      for (let c = 0; c < D; c++) e.f[c] += video.tokens[t][i * D + c]
      e.count++
      if (labels[t * n + i] < 0) e.members.push(i)
    }
    for (const e of sums.values()) {
      if (!e.members.length) {
        dropped++
        continue
      }
      for (const i of e.members) labels[t * n + i] = frames.length
      frames.push(t)
      keys.push(e.first)
      feats.push(Float32Array.from(e.f, (v) => v / e.count))
    }
  }
  const notes: string[] = []
  if (want < thumbTokens) notes.push(`budget ${want} is below the thumbnail's ${thumbTokens} tokens`)
  if (dropped) notes.push(`${dropped} thumbnail tokens had all their patches sampled and were dropped`)
  return assembleResult(video, { labels, frame: frames, key: keys, features: feats }, {
    derived: { thumbnailFrames: Array.from(thumbFrames).join(','), thumbnailGrid: `${R}x${C}`, thumbnailTokens: thumbTokens - dropped, sampledTokens: sampled.length },
    notes,
  })
}
