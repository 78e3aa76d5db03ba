import type { VideoTokens } from '../../tokens'
import { cosine } from '../../tensor/vectors'
import { coveringCellLabels, fitGrid } from '../frame-ops'
import { videoMethod } from '../define'
import type { VideoOutput, VideoPlan } from '../types'
import { assembleResult, tokenCollector } from './assemble'

type Params = { frameThreshold: number; patchThreshold: number; fastRatio: number; minFast: number }

/**
 * Keye's get_frame_sim on tokens: the share of patches whose cosine between the two frames exceeds
 * `patchThreshold`, over the patches that are not zero in both frames (the code leaves out patches
 * black in both frames). NaN when every patch is excluded. a, b [N, D].
 */
export function frameSimilarity(a: Float32Array, b: Float32Array, n: number, d: number, patchThreshold: number): number {
  let similar = 0
  let counted = 0
  for (let i = 0; i < n; i++) {
    let zeroA = true
    let zeroB = true
    for (let k = i * d; k < (i + 1) * d; k++) {
      if (a[k] !== 0) zeroA = false
      if (b[k] !== 0) zeroB = false
    }
    if (zeroA && zeroB) continue
    counted++
    if (cosine(a, i * d, b, i * d, d) > patchThreshold) similar++
  }
  return similar / counted
}

/**
 * Keye's extract_slow_fast_frames: frame 0 is slow; a later frame is fast unless its similarity to
 * the last slow frame is below `frameThreshold` (then it is slow and becomes the reference; NaN
 * counts as not below, i.e. fast, as in the code). → [T] 1 = slow.
 */
export function slowFrames(video: VideoTokens, frameThreshold: number, patchThreshold: number): Uint8Array {
  const n = video.grid.h * video.grid.w
  const T = video.tokens.length
  const slow = new Uint8Array(T)
  let last = 0
  for (let t = 0; t < T; t++) {
    if (t === 0 || frameSimilarity(video.tokens[last], video.tokens[t], n, video.dim, patchThreshold) < frameThreshold) {
      slow[t] = 1
      last = t
    }
  }
  return slow
}

/**
 * Tokens per slow and per fast frame for S slow and F fast frames under `budget` (Keye's binary
 * search, on the grids fitGrid actually produces): the largest slow share s ≤ N with
 * S·cells(s) + F·cells(fast(s)) ≤ budget, fast(s) = min(N, max(⌊fastRatio·s⌋, minFast)).
 * undefined when even s = 1 does not fit.
 */
export function slowFastShares(
  grid: { h: number; w: number },
  slow: number,
  fast: number,
  budget: number,
  fastRatio: number,
  minFast: number,
): { slowShare: number; fastShare: number } | undefined {
  const n = grid.h * grid.w
  const cells = (k: number) => {
    const g = fitGrid(grid.h, grid.w, k)
    return g.oh * g.ow
  }
  const fastOf = (s: number) => Math.min(n, Math.max(Math.floor(fastRatio * s), minFast))
  const cost = (s: number) => slow * cells(s) + fast * cells(fastOf(s))
  if (cost(1) > budget) return undefined
  let lo = 1
  let hi = n
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (cost(mid) <= budget) lo = mid
    else hi = mid - 1
  }
  return { slowShare: lo, fastShare: fastOf(lo) }
}

/**
 * keye-slowfast: Kwai Keye-VL 1.5's slow-fast video encoding (Kwai-Keye/Keye @ e115d6c,
 * keye-vl-utils/src/keye_vl_utils/vision_process.py: get_frame_sim, extract_slow_fast_frames,
 * fetch_video's token split), on X_t [N, D] of an h × w grid.
 *
 * 1. Slow/fast (slowFrames): frame 0 slow; each later frame compared with the last SLOW frame: the
 *    share of patches with cosine > patchThreshold; below frameThreshold → slow (new reference),
 *    else fast.
 * 2. Shares (slowFastShares): a fast frame gets fastRatio (0.3) of a slow frame's tokens; the slow
 *    share is the largest that fits the budget.
 * 3. Each frame is reduced to the largest aspect-matched grid within its share (fitGrid) by area
 *    averaging: an output token is the mean of the patches whose centres its cell covers
 *    (coveringCellLabels). A slow frame with share N keeps its tokens unchanged.
 * Keyframes = the slow frames.
 * Adaptations (Keye decides on pixels and re-encodes frames at lower resolution; here the tokens
 * are all there is):
 * - The decision runs on the tokens at the same (y, x): the code compares HSV pixel vectors of 28×28
 *   patches. patchThreshold 0.7 is the code's value for HSV vectors, not calibrated for ViT
 *   features; frameThreshold 0.9 is the code's (the report's text says 95 %). Patches zero in both
 *   frames are left out (the code: black in both).
 * - A fast frame's lower resolution becomes pooling of its token grid (Keye resamples the pixels
 *   bilinearly before the ViT): the main fidelity gap, by construction.
 * - Shares: the code's binary search returns one above the largest feasible share (then its resize
 *   floors frames to whole grids and can exceed the total); here the largest share whose fitted
 *   grids fit the budget is taken. The fast minimum is `minFast` tokens (the code: 48 merged tokens,
 *   an absolute count for its 28-pixel tokens), default 1.
 * - Budget below one token per frame: slow frames, then fast frames, in order, get a 1 × 1 grid
 *   while the budget lasts; the others are dropped (a note says how many), so the output stays
 *   within the budget as every 'grid' method's does.
 */
export const keyeSlowFast = videoMethod<Params>({
  id: 'keye-slowfast',
  name: 'Keye-VL 1.5 slow-fast encoding',
  family: 'temporal',
  paper: {
    title: 'Kwai Keye-VL 1.5 Technical Report',
    authors: 'Kwai Keye Team',
    venue: 'arXiv 2025',
    url: 'https://arxiv.org/abs/2509.01563',
  },
  summary: 'Frames that repeat the last slow frame become fast frames with a coarser token grid.',
  params: {
    frameThreshold: { type: 'number', default: 0.9, min: 0, max: 1, step: 0.01, help: 'a frame is fast when at least this share of its patches matches the last slow frame (code 0.9; report 0.95)' },
    patchThreshold: { type: 'number', default: 0.7, min: -1, max: 1, step: 0.01, help: 'cosine above which a patch matches (code 0.7, set for HSV pixel patches, not ViT tokens)' },
    fastRatio: { type: 'number', default: 0.3, min: 0, max: 1, step: 0.05, help: "a fast frame's tokens as a share of a slow frame's (code 0.3)" },
    minFast: { type: 'integer', default: 1, min: 1, max: 100000, help: 'fewest tokens of a fast frame (the code: 48 of its merged tokens)' },
  },
  needs: {},
  budgetMode: 'grid',
  apply: (video, plan, params) => runKeye(video, plan, params),
})

function runKeye(video: VideoTokens, plan: VideoPlan, params: Params): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const { h, w } = video.grid
  const slow = slowFrames(video, params.frameThreshold, params.patchThreshold)
  const slowCount = slow.reduce((a, b) => a + b, 0)
  const shares = slowFastShares(video.grid, slowCount, T - slowCount, want, params.fastRatio, params.minFast)
  const share = new Int32Array(T)
  const notes: string[] = []
  if (shares) for (let t = 0; t < T; t++) share[t] = slow[t] ? shares.slowShare : shares.fastShare
  else {
    const order = [...Array.from({ length: T }, (_, t) => t).filter((t) => slow[t]), ...Array.from({ length: T }, (_, t) => t).filter((t) => !slow[t])]
    order.slice(0, want).forEach((t) => (share[t] = 1))
    notes.push(`budget ${want} is below one token per frame: ${T - Math.min(T, want)} frames dropped (fast frames before slow ones)`)
  }
  const { tokens, add } = tokenCollector(T * n)
  for (let t = 0; t < T; t++) {
    if (!share[t]) continue
    const { oh, ow } = fitGrid(h, w, share[t])
    const cell = coveringCellLabels(h, w, oh, ow)
    const ids = Array.from({ length: oh * ow }, (_, c) => add(t, c))
    for (let i = 0; i < n; i++) tokens.labels[t * n + i] = ids[cell[i]]
  }
  const grid = (s: number) => {
    const g = fitGrid(h, w, s)
    return `${g.oh}x${g.ow}`
  }
  return assembleResult(video, tokens, {
    derived: {
      slowFrames: slowCount,
      fastFrames: T - slowCount,
      ...(shares ? { slowGrid: grid(shares.slowShare), fastGrid: grid(shares.fastShare) } : {}),
    },
    notes,
    keyframes: Array.from({ length: T }, (_, t) => t).filter((t) => slow[t] && share[t] > 0),
  })
}
