import type { TokenGrid } from '../tokens'
import type { TokenMap } from '../token-map'

/**
 * Where two methods' token maps agree, patch by patch: the one computation behind the compare
 * view's difference overlay, its legend, the timeline's difference row, the metrics table's
 * "A vs B" rows and the CLI's difference columns (so they are equal by construction).
 *
 * Every source patch k = t·N + i falls in exactly one category:
 *   both                 kept by A and by B (not pruned), and grouped alike: the patches that
 *                        share its output token in A are exactly those that share its output token
 *                        in B (always so when neither method merges);
 *   grouped differently  kept by both, but its A group and its B group hold different patches
 *                        (only merging methods can disagree this way);
 *   a only / b only      kept by one method, pruned by the other (a frame one method drops and the
 *                        other keeps counts here, patch by patch);
 *   neither              pruned by both.
 * Groups are compared over the whole video (a temporal merge joins patches of several frames).
 * "A group equals B group" is tested per group in one pass: an A group is *consistent* when all
 * its patches lie in one B group (or are all pruned by B), and likewise for B groups; a patch
 * kept by both is grouped alike exactly when its A group and its B group are both consistent.
 *
 * The maps must share the grid. When their frame counts differ (results of a running analysis
 * computed at different times) only the frames both cover are compared.
 */

/** The categories, in legend order; a category's number is its index here. */
export const DIFF_CATEGORIES = ['both', 'groupedDifferently', 'aOnly', 'bOnly', 'neither'] as const
export type DiffCategory = (typeof DIFF_CATEGORIES)[number]
export const Diff = { both: 0, groupedDifferently: 1, aOnly: 2, bOnly: 3, neither: 4 } as const satisfies Record<DiffCategory, number>

export type DiffCounts = Record<DiffCategory, number>

export interface TokenMapDifference {
  grid: TokenGrid
  /** T, frames compared. */
  frameCount: number
  /** [T*N] category number (Diff) of every patch. */
  categories: Uint8Array
  /** [T*5] patches per frame per category (frame t's counts at t*5 .. t*5+4, in DIFF_CATEGORIES order). */
  frameCounts: Int32Array
  /** Whole-video patches per category; they sum to T·N. */
  totals: DiffCounts
  /** [T] share of frame t's patches on which A and B disagree (grouped differently, a only, b only). */
  disagreement: Float32Array
  /** [T] 1 where frame t is kept by A only, 2 by B only, 0 otherwise (keptFrames of each map). */
  frameSelection: Uint8Array
}

const UNSEEN = -2

/**
 * For each group of A and of B, whether all its patches (among the first K) lie in one group of
 * the other map (or are all pruned there): one pass over both maps.
 */
function consistentGroups(a: TokenMap, b: TokenMap, K: number): [Uint8Array, Uint8Array] {
  const partnerA = new Int32Array(a.tokenSizes.length).fill(UNSEEN)
  const partnerB = new Int32Array(b.tokenSizes.length).fill(UNSEEN)
  const alikeA = new Uint8Array(a.tokenSizes.length).fill(1)
  const alikeB = new Uint8Array(b.tokenSizes.length).fill(1)
  const ga = a.groups
  const gb = b.groups
  for (let k = 0; k < K; k++) {
    const x = ga[k]
    const y = gb[k]
    if (x >= 0) {
      const p = partnerA[x]
      if (p === UNSEEN) partnerA[x] = y
      else if (p !== y) alikeA[x] = 0
    }
    if (y >= 0) {
      const p = partnerB[y]
      if (p === UNSEEN) partnerB[y] = x
      else if (p !== x) alikeB[y] = 0
    }
  }
  // A group with patches beyond the compared frames (a merge into frames only one map has) is not alike.
  for (let k = K; k < ga.length; k++) if (ga[k] >= 0) alikeA[ga[k]] = 0
  for (let k = K; k < gb.length; k++) if (gb[k] >= 0) alikeB[gb[k]] = 0
  return [alikeA, alikeB]
}

export function tokenMapDifference(a: TokenMap, b: TokenMap): TokenMapDifference {
  if (a.grid.h !== b.grid.h || a.grid.w !== b.grid.w) throw new Error(`token maps of different grids (${a.grid.h}×${a.grid.w} and ${b.grid.h}×${b.grid.w}) cannot be compared`)
  const n = a.grid.h * a.grid.w
  const T = Math.min(a.frameCount, b.frameCount)
  const K = T * n
  const [alikeA, alikeB] = consistentGroups(a, b, K)
  const categories = new Uint8Array(K)
  const frameCounts = new Int32Array(T * DIFF_CATEGORIES.length)
  const disagreement = new Float32Array(T)
  const frameSelection = new Uint8Array(T)
  for (let t = 0; t < T; t++) {
    const base = t * DIFF_CATEGORIES.length
    for (let i = 0; i < n; i++) {
      const k = t * n + i
      const ga = a.groups[k]
      const gb = b.groups[k]
      const c = ga >= 0 ? (gb >= 0 ? (alikeA[ga] && alikeB[gb] ? Diff.both : Diff.groupedDifferently) : Diff.aOnly) : gb >= 0 ? Diff.bOnly : Diff.neither
      categories[k] = c
      frameCounts[base + c]++
    }
    disagreement[t] = n ? (frameCounts[base + Diff.groupedDifferently] + frameCounts[base + Diff.aOnly] + frameCounts[base + Diff.bOnly]) / n : 0
    const keptA = a.keptFrames[t] > 0
    const keptB = b.keptFrames[t] > 0
    frameSelection[t] = keptA && !keptB ? 1 : keptB && !keptA ? 2 : 0
  }
  const totals = Object.fromEntries(DIFF_CATEGORIES.map((c) => [c, 0])) as DiffCounts
  for (let j = 0; j < frameCounts.length; j++) totals[DIFF_CATEGORIES[j % DIFF_CATEGORIES.length]] += frameCounts[j]
  return { grid: a.grid, frameCount: T, categories, frameCounts, totals, disagreement, frameSelection }
}

/** Frame t's patches per category. */
export function frameDiffCounts(d: TokenMapDifference, t: number): DiffCounts {
  const base = t * DIFF_CATEGORIES.length
  return Object.fromEntries(DIFF_CATEGORIES.map((c, j) => [c, d.frameCounts[base + j]])) as DiffCounts
}

/** The categories of frame t: a view [N] into d.categories. */
export function frameCategories(d: TokenMapDifference, t: number): Uint8Array {
  const n = d.grid.h * d.grid.w
  return d.categories.subarray(t * n, (t + 1) * n)
}

/**
 * The comparison of A and B as flat metrics (a table row, JSON-safe): whole-video patches per
 * category, the share of patches they disagree on, and the frames only one of them keeps.
 */
export interface DifferenceMetrics {
  patchesBoth: number
  patchesGroupedDifferently: number
  patchesAOnly: number
  patchesBOnly: number
  patchesNeither: number
  /** (grouped differently + a only + b only) / all patches compared. */
  disagreement: number
  framesAOnly: number
  framesBOnly: number
}

export function differenceMetrics(d: TokenMapDifference): DifferenceMetrics {
  const t = d.totals
  const all = d.categories.length
  let framesAOnly = 0
  let framesBOnly = 0
  for (const s of d.frameSelection) {
    if (s === 1) framesAOnly++
    else if (s === 2) framesBOnly++
  }
  return {
    patchesBoth: t.both,
    patchesGroupedDifferently: t.groupedDifferently,
    patchesAOnly: t.aOnly,
    patchesBOnly: t.bOnly,
    patchesNeither: t.neither,
    disagreement: all ? (t.groupedDifferently + t.aOnly + t.bOnly) / all : 0,
    framesAOnly,
    framesBOnly,
  }
}

/** The DifferenceMetrics key of each category: the legend reads its whole-video counts through it. */
export const CATEGORY_METRIC: Record<DiffCategory, keyof DifferenceMetrics> = {
  both: 'patchesBoth',
  groupedDifferently: 'patchesGroupedDifferently',
  aOnly: 'patchesAOnly',
  bOnly: 'patchesBOnly',
  neither: 'patchesNeither',
}
