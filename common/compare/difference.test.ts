import { describe, expect, it } from 'vitest'
import { tokenMapFromLabels } from '../token-map'
import { CATEGORY_METRIC, DIFF_CATEGORIES, Diff, differenceMetrics, frameCategories, frameDiffCounts, tokenMapDifference } from './difference'

const grid = { h: 2, w: 2 }
/** A map of a 2×2 grid from per-patch labels (-1 = pruned; equal labels merge). */
const map = (frames: number, labels: number[]) => tokenMapFromLabels(grid, frames, Int32Array.from(labels)).map
const { both, groupedDifferently: diff, aOnly, bOnly, neither } = Diff

describe('tokenMapDifference', () => {
  it('pruning only: kept by both, by one, by neither; never grouped differently', () => {
    // A keeps patches 0, 1; B keeps 1, 2; patch 3 is pruned by both.
    const a = map(1, [0, 1, -1, -1])
    const b = map(1, [-1, 1, 2, -1])
    const d = tokenMapDifference(a, b)
    expect(Array.from(d.categories)).toEqual([aOnly, both, bOnly, neither])
    expect(d.totals).toEqual({ both: 1, groupedDifferently: 0, aOnly: 1, bOnly: 1, neither: 1 })
    expect(d.disagreement[0]).toBeCloseTo(2 / 4)
  })

  it('merging: the same groups are alike, a group split or joined differently is not', () => {
    // A merges {0,1} and {2,3}. B merges {0,1} too but {2} and {3} stay apart.
    const a = map(1, [7, 7, 8, 8])
    const b = map(1, [3, 3, 4, 5])
    const d = tokenMapDifference(a, b)
    expect(Array.from(d.categories)).toEqual([both, both, diff, diff])
    // The same partition under other labels and ids is alike everywhere.
    expect(Array.from(tokenMapDifference(a, map(1, [1, 1, 0, 0])).categories)).toEqual([both, both, both, both])
  })

  it('a group that is partly pruned by the other method differs on the patches both keep', () => {
    // A merges all four patches; B keeps 0 and 1 as separate tokens and prunes 2, 3.
    const a = map(1, [1, 1, 1, 1])
    const b = map(1, [0, 1, -1, -1])
    const d = tokenMapDifference(a, b)
    expect(Array.from(d.categories)).toEqual([diff, diff, aOnly, aOnly])
    expect(d.disagreement[0]).toBe(1)
  })

  it('temporal merges are compared across frames', () => {
    // Two frames; A merges patch 0 of both frames into one token, B keeps them apart.
    const a = map(2, [5, 1, -1, -1, /* frame 1 */ 5, 2, -1, -1])
    const b = map(2, [0, 1, -1, -1, /* frame 1 */ 4, 2, -1, -1])
    const d = tokenMapDifference(a, b)
    expect(Array.from(frameCategories(d, 0))).toEqual([diff, both, neither, neither])
    expect(Array.from(frameCategories(d, 1))).toEqual([diff, both, neither, neither])
    expect(frameDiffCounts(d, 1)).toEqual({ both: 1, groupedDifferently: 1, aOnly: 0, bOnly: 0, neither: 2 })
  })

  it('frame selection: a frame one method drops is that method\'s only, patch by patch', () => {
    // Three frames: A keeps frames 0 and 1 whole, B keeps frames 1 and 2 whole.
    const whole = [0, 1, 2, 3]
    const none = [-1, -1, -1, -1]
    const at = (f: number) => whole.map((i) => i + 10 * f)
    const a = map(3, [...at(0), ...at(1), ...none])
    const b = map(3, [...none, ...at(1), ...at(2)])
    const d = tokenMapDifference(a, b)
    expect(Array.from(d.frameSelection)).toEqual([1, 0, 2])
    expect(Array.from(d.disagreement)).toEqual([1, 0, 1])
    expect(d.totals).toEqual({ both: 4, groupedDifferently: 0, aOnly: 4, bOnly: 4, neither: 0 })
    expect(differenceMetrics(d)).toEqual({
      patchesBoth: 4,
      patchesGroupedDifferently: 0,
      patchesAOnly: 4,
      patchesBOnly: 4,
      patchesNeither: 0,
      disagreement: 8 / 12,
      framesAOnly: 1,
      framesBOnly: 1,
    })
  })

  it('compares only the frames both maps cover; a merge into the uncovered frames is not alike', () => {
    const a = map(2, [1, 2, 3, 4, /* frame 1 */ 1, 5, 6, 7])
    const b = map(1, [1, 2, 3, 4])
    const d = tokenMapDifference(a, b)
    expect(d.frameCount).toBe(1)
    expect(d.categories.length).toBe(4)
    expect(Array.from(d.categories)).toEqual([diff, both, both, both])
  })

  it('is symmetric: swapping A and B swaps a only and b only', () => {
    const a = map(2, [1, 1, -1, 3, /* frame 1 */ 4, -1, 4, 1])
    const b = map(2, [2, -1, 2, 2, /* frame 1 */ -1, 6, 7, 8])
    const ab = tokenMapDifference(a, b)
    const ba = tokenMapDifference(b, a)
    const swap = [both, diff, bOnly, aOnly, neither]
    expect(Array.from(ba.categories)).toEqual(Array.from(ab.categories, (c) => swap[c]))
  })

  it('whole-video counts, frame counts and metrics agree', () => {
    const a = map(2, [1, 1, -1, 3, /* frame 1 */ 4, -1, 4, 1])
    const b = map(2, [2, -1, 2, 2, /* frame 1 */ -1, 6, 7, 8])
    const d = tokenMapDifference(a, b)
    const m = differenceMetrics(d)
    for (const c of DIFF_CATEGORIES) {
      expect(d.totals[c]).toBe(frameDiffCounts(d, 0)[c] + frameDiffCounts(d, 1)[c])
      expect(m[CATEGORY_METRIC[c]]).toBe(d.totals[c])
    }
    expect(Object.values(d.totals).reduce((s, x) => s + x, 0)).toBe(8)
  })

  it('refuses maps of different grids', () => {
    const other = tokenMapFromLabels({ h: 1, w: 4 }, 1, Int32Array.from([0, 1, 2, 3])).map
    expect(() => tokenMapDifference(map(1, [0, 1, 2, 3]), other)).toThrow(/different grids/)
  })
})
