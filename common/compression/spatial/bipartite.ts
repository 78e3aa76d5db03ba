/**
 * Bipartite soft matching (ToMe, facebookresearch/ToMe tome/merge.py), shared by tome and dtome.
 *
 * The merge state of one frame is kept structurally: which original patch each token came from.
 * Every token's feature is the plain mean of its patches, which is exactly what ToMe's merge_wavg
 * (size-weighted averages with size tracking) computes; its direction is that of the sum of its
 * patches. The scores run on the similarity kernels (tensor/similarity.ts): each token's patch sum
 * in float64, made unit length and rounded once to float32, float32 cosines.
 */
import { Scratch, panelBytes, paddedRowBytes, withScratch } from '../../tensor/similarity'

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

/** One round's matching: nodeMax [|A|] best cosine of each A token over B, nodeIdx [|A|] index into B of that match (first on ties). */
export interface RoundScores {
  nodeMax: Float32Array
  nodeIdx: Int32Array
}

/**
 * The round's scores from per-token sums: A = even sequence positions, B = odd ones (ToMe's
 * `metric[..., ::2, :], metric[..., 1::2, :]`); sums [·, D] float64 at `psums`, row of token at
 * seq position q = `row(q)`. Zero sums get cosine 0 where ToMe would produce NaN.
 */
function scoreRound(s: Scratch, psums: number, rows: Int32Array, d: number): RoundScores {
  const n = rows.length
  const na = (n + 1) >> 1
  const nb = n >> 1
  const rb = paddedRowBytes(d)
  const pA = s.put(Int32Array.from({ length: na }, (_, i) => rows[2 * i]))
  const pB = s.put(Int32Array.from({ length: nb }, (_, j) => rows[2 * j + 1]))
  const ua = s.alloc(panelBytes(na, d))
  const ub = s.alloc(panelBytes(nb, d))
  s.k.packRows(psums, 1, na, d, pA, 1, ua, rb)
  s.k.packRows(psums, 1, nb, d, pB, 1, ub, rb)
  const pc = s.alloc(na * nb * 4)
  s.k.gram(ua, na, ub, nb, rb, pc, 0)
  const pmax = s.alloc(na * 4)
  const pidx = s.alloc(na * 4)
  s.k.rowMax(pc, na, nb, pmax, pidx)
  return { nodeMax: s.f32(pmax, na).slice(), nodeIdx: s.i32(pidx, na).slice() }
}

/**
 * One round of matching on the current tokens of a frame whose state is only its Merging (the
 * token sums are rebuilt from the original patches, in patch order): for dtome's calibration,
 * which holds the state of every frame at once. tokens [N, D]. Null when fewer than 2 tokens are alive.
 */
export function matchRound(tokens: Float32Array, d: number, m: Merging): RoundScores | null {
  const n = m.seq.length
  if (n < 2) return null
  const posOf = new Int32Array(m.parent.length)
  m.seq.forEach((root, pos) => (posOf[root] = pos))
  const slot = Int32Array.from(m.parent, (_, p) => posOf[rootOf(m.parent, p)])
  return withScratch((s) => {
    const psums = s.alloc(n * d * 8)
    s.f64(psums, n * d).fill(0)
    s.k.scatterRows(s.put(tokens), s.put(slot), m.parent.length, d, psums)
    return scoreRound(s, psums, Int32Array.from({ length: n }, (_, q) => q), d)
  })
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

/**
 * The rounds of one frame, with each token's patch sum kept in kernel memory and updated by adding
 * the merged token's sum (float64; merges applied in the order given): for ToMe and DToMe on one
 * frame, where a round costs one |A|×|B| score block. tokens [N, D]. Holds kernel scratch memory:
 * release() it (in a finally) within the synchronous call that made it.
 */
export class FrameMerging {
  readonly m: Merging
  private readonly s = new Scratch()
  private readonly psums: number

  constructor(
    tokens: Float32Array,
    n: number,
    private readonly d: number,
  ) {
    this.m = initMerging(n)
    this.psums = this.s.alloc(n * d * 8)
    this.s.f64(this.psums, n * d).set(tokens)
  }

  /** Tokens alive. */
  get size(): number {
    return this.m.seq.length
  }

  /** This round's scores; null when fewer than 2 tokens are alive. */
  match(): RoundScores | null {
    if (this.m.seq.length < 2) return null
    return withScratch((s) => scoreRound(s, this.psums, this.m.seq, this.d))
  }

  /** Merges A tokens `src` into their partners (applyMerges) and adds their sums into the partners'. */
  merge(nodeIdx: Int32Array, src: ArrayLike<number>, unmerged: ArrayLike<number>): void {
    const seq = this.m.seq
    const dst = Int32Array.from({ length: src.length }, (_, q) => seq[2 * nodeIdx[src[q]] + 1])
    const from = Int32Array.from({ length: src.length }, (_, q) => seq[2 * src[q]])
    withScratch((s) => s.k.addRows(this.psums, s.put(dst), s.put(from), src.length, this.d))
    applyMerges(this.m, nodeIdx, src, unmerged)
  }

  labels(): Int32Array {
    return mergeLabels(this.m)
  }

  /** Gives the kernel memory back. */
  release(): void {
    this.s.release()
  }
}
