import type { VideoTokens } from '../../tokens'
import { bottomK } from '../../tensor/top-k'
import { rowwiseCosines } from '../../tensor/similarity'
import { splitEvenly } from '../allocation'
import { videoMethod } from '../define'
import type { VideoOutput, VideoPlan } from '../types'
import { assembleResult } from './assemble'

type Params = { similarityIndexing: string }

/**
 * DyCoke, temporal token merging (TTM) stage, following KD-TAO/DyCoke `dycole_ttm`.
 *
 * Input frames X_t [N, D]. Which frames are anchors follows the code exactly:
 * - pairs (t, t+1) for even t: frame t+1 is pruned against frame t (per-position cosine);
 * - windows of 4 starting at t = 0, 4, 8, … while t < T-4 (the code's `range(0, T-4, 4)`, so the
 *   last full window is skipped when T is a multiple of 4): frame t+2 is pruned against frame t
 *   instead of being kept whole; frame t+3 stays pruned against the (unpruned) frame t+2.
 * In each pruned frame the patches MOST similar to the same position of its anchor are dropped
 * (-1); the least similar are kept. Anchors are kept whole. Nothing is averaged (the code drops).
 *
 * Choices the paper/code leave open, made here:
 * - Pruning rate from the budget: anchors cost A·N tokens; the remaining budget B − A·N is split as
 *   evenly as possible over the P pruned frames (the code uses one rate, floor((1−p)·N) per frame;
 *   splitting the remainder makes the total exact). Exact whenever B ≥ A·N; below that every
 *   pruned frame keeps 0 and the output is A·N tokens (reported). Hence budgetMode 'adaptive'.
 * - `similarityIndexing`: 'paper' compares frame t+1 with frame t — the paper, the llmc port and
 *   the authors' fixed code (KD-TAO/DyCoke 35cc532, 2025-03-01, `similarities[i // 2]`, still at
 *   HEAD). 'official-repo' reproduces the FIRST public release's off-by-one,
 *   `similarities[(i - 2) // 2]` (commits 26dc6f4 … 43bd0cc, Dec 2024 – Jan 2025), which scores
 *   frame t+1 with the similarity of the previous pair (the first pair with the last pair's); kept
 *   to reproduce results computed with that release, since fixed upstream.
 * - Odd T: the released code silently drops the last frame; we keep it whole (no anchor to compare).
 * - Kept tokens are emitted in raster order (the code emits them in ascending-similarity order).
 */
export const dycokeTtm = videoMethod<Params>({
  id: 'dycoke-ttm',
  name: 'DyCoke (temporal merging)',
  family: 'temporal',
  paper: {
    title: 'DyCoke: Dynamic Compression of Tokens for Fast Video Large Language Models',
    authors: 'Keda Tao, Can Qin, Haoxuan You, Yang Sui, Huan Wang',
    venue: 'CVPR 2025',
    url: 'https://arxiv.org/abs/2411.15024',
  },
  summary: 'Drops the patches of a frame that repeat the same position of an earlier anchor frame.',
  params: {
    similarityIndexing: {
      type: 'enum',
      default: 'paper',
      options: ['paper', 'official-repo'],
      help: "'paper': frame t+1 scored against frame t (the paper and the authors' fixed code, 35cc532); 'official-repo': the first public release's off-by-one pair index (similarities[(i - 2) // 2], since fixed upstream)",
    },
  },
  needs: {},
  budgetMode: 'adaptive',
  apply: (video, plan, params) => runDycoke(video, plan, params),
})

/** Anchor of every frame (-1 = kept whole), per the code's pair and window loops. [T] */
export function dycokeAnchors(T: number): Int32Array {
  const anchor = new Int32Array(T).fill(-1)
  for (let t = 0; t + 1 < T; t += 2) anchor[t + 1] = t
  for (let t = 0; t < T - 4; t += 4) anchor[t + 2] = t
  return anchor
}

function runDycoke(video: VideoTokens, plan: VideoPlan, params: Params): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const d = video.dim
  const anchor = dycokeAnchors(T)
  const pruned: number[] = []
  for (let t = 0; t < T; t++) if (anchor[t] >= 0) pruned.push(t)
  const anchorsTokens = (T - pruned.length) * n
  const keepTotal = Math.max(0, Math.min(want - anchorsTokens, pruned.length * n))
  const keep = splitEvenly(keepTotal, pruned.length, n)
  const keepOf = new Int32Array(T).fill(n)
  pruned.forEach((t, j) => (keepOf[t] = keep[j]))

  const pairSim = (t: number) => rowwiseCosines(video.tokens[t], video.tokens[t + 1], d)
  const pairCount = Math.floor(T / 2)
  const labels = new Int32Array(T * n).fill(-1)
  const frames: number[] = []
  const keys: number[] = []
  for (let t = 0; t < T; t++) {
    let kept: Int32Array
    if (anchor[t] < 0) kept = Int32Array.from({ length: n }, (_, i) => i)
    else {
      let sim: Float32Array
      if (anchor[t] === t - 1) {
        // Pair (t-1, t); the released code reads the previous pair's similarity (python index -1 wraps).
        let pair = (t - 1) / 2
        if (params.similarityIndexing === 'official-repo') pair = (((pair - 1) % pairCount) + pairCount) % pairCount
        sim = pairSim(2 * pair)
      } else sim = rowwiseCosines(video.tokens[anchor[t]], video.tokens[t], d)
      kept = bottomK(sim, keepOf[t]).sort()
    }
    for (const i of kept) {
      labels[t * n + i] = frames.length
      frames.push(t)
      keys.push(i)
    }
  }
  const notes: string[] = []
  if (want < anchorsTokens) notes.push(`budget ${want} is below the ${anchorsTokens} anchor tokens DyCoke always keeps; pruned frames keep nothing`)
  return assembleResult(video, { labels, frame: frames, key: keys }, {
    derived: {
      prunedFrames: pruned.length,
      anchorFrames: T - pruned.length,
      pruneRate: pruned.length ? 1 - keepTotal / (pruned.length * n) : 0,
    },
    notes,
  })
}
