import { describe, expect, it } from 'vitest'
import { tokenMapFromLabels } from '../../../common/token-map'
import { SEGMENT_STRIDE, Side, buildGroupIndex, frameGroups, groupFrames, groupMembers, groupOutlineSegments, patchAt } from './overlay'
import { frameShare } from '../../../common/token-map'

const grid = { h: 2, w: 3 }

describe('patch geometry', () => {
  it('hit-tests points to patches', () => {
    expect(patchAt(0, 0, grid, 300, 200)).toBe(0)
    expect(patchAt(299, 199, grid, 300, 200)).toBe(5)
    expect(patchAt(150, 50, grid, 300, 200)).toBe(1)
    expect(patchAt(300, 50, grid, 300, 200)).toBe(-1)
  })
})

describe('group outlines', () => {
  it('outlines a merged pair as one rectangle and skips singletons and pruned patches', () => {
    // frame: [0 0 1]
    //        [-1 2 2]  with group 0 and 2 merged pairs, 1 a singleton
    const groups = Int32Array.from([0, 0, 1, -1, 2, 2])
    const sizes = [2, 1, 2]
    const seg = groupOutlineSegments(groups, grid, sizes)
    const count = seg.length / SEGMENT_STRIDE
    expect(count).toBe(12) // two 2×1 rectangles: 6 unit sides each
    const at = (s: number) => seg.subarray(s * SEGMENT_STRIDE, (s + 1) * SEGMENT_STRIDE)
    const ofGroup = (g: number) => Array.from({ length: count }, (_, s) => at(s)[4]).filter((x) => x === g).length
    expect(ofGroup(0)).toBe(6)
    expect(ofGroup(2)).toBe(6)
    expect(ofGroup(1)).toBe(0)
    // no segment runs between the two patches of group 0 (the vertical line x=1 for row 0)
    for (let s = 0; s < count; s++) {
      const [x0, y0, x1, y1, g] = at(s)
      expect(x0 === 1 && x1 === 1 && y0 === 0 && y1 === 1 && g === 0).toBe(false)
    }
    // group 2's left side (x=1, row 1) faces left: its patch is to the right
    const left = Array.from({ length: count }, (_, s) => at(s)).find((a) => a[4] === 2 && a[5] === Side.Left)
    expect(Array.from(left!.subarray(0, 4))).toEqual([1, 1, 1, 2])
  })
})

describe('group index', () => {
  // two frames of 2×3; label 7 merges patch 0 of frame 0 with patch 0 of frame 1 (temporal merge)
  const labels = Int32Array.from([7, 1, 1, -1, 2, 3, 7, 4, -1, -1, -1, 5])
  const { map } = tokenMapFromLabels(grid, 2, labels)
  it('lists each token’s source patches across frames', () => {
    const index = buildGroupIndex(map)
    expect(index.offsets.length).toBe(map.tokenSizes.length + 1)
    const g = map.groups[0]
    expect(Array.from(groupMembers(index, g))).toEqual([0, 6])
    expect(groupFrames(index, g, 6)).toEqual([[0, 1], [1, 1]])
    const pair = map.groups[1]
    expect(Array.from(groupMembers(index, pair))).toEqual([1, 2])
    let total = 0
    for (let t = 0; t < map.tokenSizes.length; t++) total += groupMembers(index, t).length
    expect(total).toBe(labels.filter((l) => l >= 0).length)
  })
  it('computes the share of output tokens per frame and frame views', () => {
    // frame 0: tokens 7, 1 (merged pair), 2, 3 → 4 of 6; frame 1: 4, 5 (7 sits in frame 0) → 2 of 6
    expect(Array.from(frameShare(map))).toEqual([4 / 6, 2 / 6].map(Math.fround))
    expect(frameGroups(map, 1).length).toBe(6)
    expect(frameGroups(map, 1)[0]).toBe(map.groups[0])
  })
})
