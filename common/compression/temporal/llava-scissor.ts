import type { VideoTokens } from '../../tokens'
import { createRng, sampleIndices } from '../../tensor/rng'
import { gatherRows } from '../../tensor/vectors'
import { bestMatches, cosineMatrix } from '../../tensor/similarity'
import { canonicalGroups } from '../../token-map'
import { largestFitting } from '../calibrate'
import { videoMethod } from '../define'
import type { MethodContext, VideoOutput, VideoPlan } from '../types'
import { assembleResult, tokenCollector } from './assemble'

type Params = { tau: number; epsilon: number; mode: string }

/** Rows per similarity block when scanning the sampled nodes' neighbours (bounds the block's memory). */
const BLOCK_ROWS = 64
/** Bisection steps of the calibration on τ. */
const CALIBRATION_STEPS = 20

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]]
    x = parent[x]
  }
  return x
}

/**
 * LLaVA-Scissor's semantic connected components (llava_arch_zip.py approximate_components) of the
 * graph cos(x_i, x_j) > tau over the rows x [n, D]: min(n, ⌈ln n / ε²⌉) nodes are sampled (all of
 * them for n below ~3,300 at ε = 0.05), each joins every neighbour (itself included); nodes neither
 * sampled nor anyone's neighbour stay alone. → labels [n], components numbered by their first member.
 */
export function semanticComponents(x: Float32Array, d: number, tau: number, epsilon: number, rand: () => number): Int32Array {
  const n = x.length / d
  const sample = Math.min(n, Math.ceil(Math.log(n) / epsilon ** 2))
  const sampled = sample === n ? Int32Array.from({ length: n }, (_, i) => i) : sampleIndices(n, sample, rand)
  const parent = Int32Array.from({ length: n }, (_, i) => i)
  for (let b = 0; b < sampled.length; b += BLOCK_ROWS) {
    const rows = sampled.subarray(b, b + BLOCK_ROWS)
    const sims = cosineMatrix(gatherRows(x, d, rows), d, x)
    rows.forEach((i, r) => {
      for (let j = 0; j < n; j++) {
        if (!(sims[r * n + j] > tau)) continue
        const a = find(parent, i)
        const c = find(parent, j)
        if (a !== c) parent[Math.max(a, c)] = Math.min(a, c)
      }
    })
  }
  return canonicalGroups(Int32Array.from({ length: n }, (_, i) => find(parent, i))).groups
}

/** Plain means of the rows of x [n, D] sharing a label 0..m-1. → [m, D] */
function labelMeans(x: Float32Array, d: number, labels: Int32Array, m: number): Float32Array {
  const sum = new Float64Array(m * d)
  const count = new Int32Array(m)
  labels.forEach((g, i) => {
    count[g]++
    for (let k = 0; k < d; k++) sum[g * d + k] += x[i * d + k]
  })
  return Float32Array.from(sum, (v, k) => v / count[Math.floor(k / d)])
}

/** Steps 1–2 for one τ: the per-frame components, then the components of their means over the whole video. */
function components(video: VideoTokens, tau: number, epsilon: number, seed: number) {
  const d = video.dim
  const rand = createRng(seed)
  const spatial: Float32Array[] = []
  const place: { frame: number; patch: number }[] = []
  const frameLabels = video.tokens.map((x, t) => {
    const labels = semanticComponents(x, d, tau, epsilon, rand)
    const { m, firstIndex } = canonicalGroups(labels)
    spatial.push(labelMeans(x, d, labels, m))
    for (const i of firstIndex) place.push({ frame: t, patch: i })
    return labels
  })
  const all = new Float32Array(spatial.reduce((s, a) => s + a.length, 0))
  let off = 0
  for (const a of spatial) {
    all.set(a, off)
    off += a.length
  }
  const temporal = semanticComponents(all, d, tau, epsilon, rand)
  const { m, firstIndex } = canonicalGroups(temporal)
  return { frameLabels, temporal, reps: labelMeans(all, d, temporal, m), repPlace: Array.from(firstIndex, (s) => place[s]) }
}

/**
 * llava-scissor: LLaVA-Scissor (HumanMLLM/LLaVA-Scissor @ b63354c, llava/model/llava_arch_zip.py:
 * approximate_components and the `mm_use_zip` block of prepare_inputs_labels_for_multimodal), on
 * X_t [N, D].
 *
 * 1. Spatial: per frame, semantic connected components (semanticComponents) of cos > τ; each
 *    component is the plain mean of its tokens.
 * 2. Temporal: the same on all frames' component means together; each component is the plain mean
 *    of its members (component means, unweighted) → M representatives R.
 * 3. Merge: every original token joins its most similar representative (first on ties);
 *    y_k = (R_k + Σ_{x→k} x) / (count_k + 1), R_k counting as one more member.
 * TokenMap: patch → the representative it joined in step 3 (the code's real many-to-one map); a token
 * sits at the frame and patch of the first spatial component of its temporal component (the earliest
 * frame it appears in).
 * Choices and adaptations:
 * - Cached ViT patch tokens instead of the projector's 2×2-pooled LLM embeddings.
 * - Components are true connected components of the graph (full union-find). The code collects
 *   only nodes whose union-find parent is the root itself, which depends on the union order and
 *   leaves deeper nodes out (step 3 then recovers them); the intended semantics are taken.
 * - Sampling (ε = 0.05) as the code, seeded; a no-op for fewer than ~3,300 nodes.
 * - Order: the code sorts components by their highest-degree member; here by their first member,
 *   which only changes the output order (a TokenMap orders tokens by frame and patch anyway) and
 *   exact-tie breaking in step 3, and saves a full pass over the S × S graph.
 * - A representative that no token joins in step 3 is left out (the code keeps it as a token made of
 *   R_k alone; a TokenMap token must own a patch); derived.unjoined counts them.
 * - τ = 0.9 (the README's default; the code's fallback is 0.95). mode 'calibrate' (a project
 *   extension; the README says to tune τ for the retention ratio): τ by bisection, the largest M within
 *   the budget; each step reruns steps 1–2, whose cost is O(T·N²·D + S·min(S, ⌈ln S/ε²⌉)·D).
 * Adaptive; tokensOut reported.
 */
export const llavaScissor = videoMethod<Params>({
  id: 'llava-scissor',
  name: 'LLaVA-Scissor (semantic connected components)',
  family: 'temporal',
  paper: {
    title: 'LLaVA-Scissor: Token Compression with Semantic Connected Components for Video LLMs',
    authors: 'Boyuan Sun, Jiaxing Zhao, Xihan Wei, Qibin Hou',
    venue: 'arXiv 2025',
    url: 'https://arxiv.org/abs/2506.21862',
  },
  summary: 'Merges groups of connected similar tokens within frames, then across frames, and folds every token into the nearest group.',
  params: {
    tau: { type: 'number', default: 0.9, min: -1, max: 1, step: 0.01, help: 'fixed mode: tokens with a cosine above this are connected (README 0.9; code fallback 0.95)' },
    epsilon: { type: 'number', default: 0.05, min: 0.001, max: 1, step: 0.01, help: 'sampling tolerance: ⌈ln n / ε²⌉ nodes are sampled (code 0.05)' },
    mode: {
      type: 'enum',
      default: 'fixed',
      options: ['fixed', 'calibrate'],
      help: "'fixed': τ as given; 'calibrate': τ found so the components fit the budget (project extension; reruns the components ~20 times)",
    },
  },
  needs: {},
  budgetMode: 'adaptive',
  apply: (video, plan, params, ctx) => runScissor(video, plan, params, ctx),
})

function runScissor(video: VideoTokens, plan: VideoPlan, params: Params, ctx: MethodContext): VideoOutput {
  const { n, frames: T, tokens: want } = plan
  const d = video.dim
  const count = (r: ReturnType<typeof components>) => r.reps.length / d
  const at = (tau: number) => components(video, tau, params.epsilon, ctx.seed)
  let tau = params.tau
  let c: ReturnType<typeof components>
  if (params.mode === 'calibrate') {
    const found = largestFitting(-1, 1, CALIBRATION_STEPS, at, (r) => count(r) <= want)
    tau = found.x
    c = found.fitted ?? at(tau)
  } else c = at(tau)
  const M = count(c)
  const joined = new Int32Array(T * n)
  const sum = new Float64Array(M * d)
  const size = new Int32Array(M)
  video.tokens.forEach((x, t) => {
    const { index } = bestMatches(x, c.reps, d)
    index.forEach((k, i) => {
      joined[t * n + i] = k
      size[k]++
      for (let j = 0; j < d; j++) sum[k * d + j] += x[i * d + j]
    })
  })
  const tokenOf = new Int32Array(M).fill(-1)
  const { tokens, add } = tokenCollector(T * n)
  for (let k = 0; k < M; k++) {
    if (!size[k]) continue
    tokenOf[k] = add(c.repPlace[k].frame, c.repPlace[k].patch, Float32Array.from({ length: d }, (_, j) => (c.reps[k * d + j] + sum[k * d + j]) / (size[k] + 1)))
  }
  joined.forEach((k, r) => (tokens.labels[r] = tokenOf[k]))
  return assembleResult(video, tokens, {
    derived: { tau, components: M, unjoined: M - tokens.frame.length },
    notes: [],
  })
}
