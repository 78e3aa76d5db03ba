/**
 * Bipartite soft matching (ToMe, facebookresearch/ToMe tome/merge.py), shared by tome and dtome.
 *
 * The merge state of one frame is kept structurally: which original patch each token came from.
 * Every token's feature is the plain mean of its patches, which is exactly what ToMe's merge_wavg
 * (size-weighted averages with size tracking) computes, so no features are carried between rounds:
 * each round rebuilds the current tokens' directions from the original patches in O(N·D).
 */

/**
 * One frame's merge structure over N patches.
 * `parent[p]` is the patch p was merged into (itself while p's token is alive); `seq` lists the
 * alive tokens (by their root patch) in ToMe's sequence order, which decides the A/B split.
 */
export interface Merging {
  parent: Int32Array
  seq: Int32Array
}

export function initMerging(n: number): Merging {
  const ids = Int32Array.from({ length: n }, (_, i) => i)
  return { parent: ids, seq: ids.slice() }
}

/** The alive token patch p belongs to (with path compression). */
export function rootOf(parent: Int32Array, p: number): number {
  let r = p
  while (parent[r] !== r) r = parent[r]
  while (parent[p] !== r) {
    const next = parent[p]
    parent[p] = r
    p = next
  }
  return r
}

/** [N] the root patch of every patch: the labels of the final groups. */
export function mergeLabels(m: Merging): Int32Array {
  return Int32Array.from(m.parent, (_, p) => rootOf(m.parent, p))
}

/** Reusable buffers for matchRound, sized for N patches of width D. */
export interface MatchScratch {
  unit: Float64Array
  posOf: Int32Array
  nodeMax: Float64Array
  nodeIdx: Int32Array
}

export function matchScratch(n: number, d: number): MatchScratch {
  const half = Math.ceil(n / 2)
  return { unit: new Float64Array(n * d), posOf: new Int32Array(n), nodeMax: new Float64Array(half), nodeIdx: new Int32Array(half) }
}

/**
 * One round of matching on the current tokens. A = even sequence positions, B = odd ones
 * (ToMe's `metric[..., ::2, :], metric[..., 1::2, :]`). Similarity is the cosine of the token
 * features (the sum of a token's patches has the direction of their mean; zero vectors get
 * cosine 0 where ToMe would produce NaN).
 *
 * tokens [N, D] → fills scratch.nodeMax [|A|] (best cosine of each A token over B) and
 * scratch.nodeIdx [|A|] (index into B of that best match; first index on ties, like torch.max).
 * Returns |A| = ceil(n/2), or 0 when fewer than 2 tokens are alive. O(|A|·|B|·D).
 */
export function matchRound(tokens: Float32Array, d: number, m: Merging, s: MatchScratch): number {
  const n = m.seq.length
  if (n < 2) return 0
  const { unit, posOf, nodeMax, nodeIdx } = s
  for (let pos = 0; pos < n; pos++) posOf[m.seq[pos]] = pos
  unit.fill(0, 0, n * d)
  for (let p = 0; p < m.parent.length; p++) {
    const off = posOf[rootOf(m.parent, p)] * d
    const src = p * d
    for (let k = 0; k < d; k++) unit[off + k] += tokens[src + k]
  }
  for (let pos = 0; pos < n; pos++) {
    const off = pos * d
    let ss = 0
    for (let k = 0; k < d; k++) ss += unit[off + k] * unit[off + k]
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0
    for (let k = 0; k < d; k++) unit[off + k] *= inv
  }
  const na = (n + 1) >> 1
  const nb = n >> 1
  for (let i = 0; i < na; i++) {
    const ai = 2 * i * d
    let best = -Infinity
    let bestJ = 0
    for (let j = 0; j < nb; j++) {
      const bj = (2 * j + 1) * d
      let dot = 0
      for (let k = 0; k < d; k++) dot += unit[ai + k] * unit[bj + k]
      if (dot > best) {
        best = dot
        bestJ = j
      }
    }
    nodeMax[i] = best
    nodeIdx[i] = bestJ
  }
  return na
}

/**
 * Merges the A tokens `src` (indices into A) into their matched B tokens and reorders the sequence
 * to [A tokens `unmerged` in the given order, then all B tokens], as ToMe's merge does with
 * `torch.cat([unm, dst])`.
 */
export function applyMerges(m: Merging, nodeIdx: Int32Array, src: ArrayLike<number>, unmerged: ArrayLike<number>): void {
  const seq = m.seq
  for (let q = 0; q < src.length; q++) {
    const i = src[q]
    m.parent[seq[2 * i]] = seq[2 * nodeIdx[i] + 1]
  }
  const nb = seq.length >> 1
  const next = new Int32Array(unmerged.length + nb)
  for (let q = 0; q < unmerged.length; q++) next[q] = seq[2 * unmerged[q]]
  for (let j = 0; j < nb; j++) next[unmerged.length + j] = seq[2 * j + 1]
  m.seq = next
}
