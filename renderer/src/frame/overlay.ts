/**
 * Pure geometry for the frame overlay (no DOM): hit testing, merged-group outlines, and an index
 * from output token to its source patches (for hover highlights, also across frames for temporal
 * merges).
 *
 * Patch i of a grid h × w sits at row ⌊i / w⌋, column i mod w; the grid is assumed to cover the
 * whole frame (the encoder resizes the frame to its input size).
 */
import type { TokenGrid } from '../../../common/tokens'
import { PRUNED, type TokenMap } from '../../../common/token-map'

/** The patch under picture point (x, y), or -1 outside the picture. */
export function patchAt(x: number, y: number, grid: TokenGrid, width: number, height: number): number {
  if (x < 0 || y < 0 || x >= width || y >= height) return -1
  const c = Math.min(grid.w - 1, Math.floor((x * grid.w) / width))
  const r = Math.min(grid.h - 1, Math.floor((y * grid.h) / height))
  return r * grid.w + c
}

/** The groups of frame t: a view [N] into map.groups. */
export function frameGroups(map: TokenMap, t: number): Int32Array {
  const n = map.grid.h * map.grid.w
  return map.groups.subarray(t * n, (t + 1) * n)
}

/** Which side of its patch a segment is: the drawing insets it towards the patch's interior. */
export const Side = { Top: 0, Bottom: 1, Left: 2, Right: 3 } as const

/** Numbers per outline segment: x0, y0, x1, y1, group, side. */
export const SEGMENT_STRIDE = 6

/**
 * Outline segments of merged groups in one frame, in patch units: [x0, y0, x1, y1, group, side]
 * per segment, flattened. A side of patch i is drawn when the patch across it belongs to another
 * group (or is outside the grid). Pruned patches have no outline; groups whose size is below
 * `minSize` (by default singletons, i.e. kept but not merged) are left out, to keep the picture
 * readable.
 */
export function groupOutlineSegments(groups: Int32Array, grid: TokenGrid, sizes: ArrayLike<number>, minSize = 2): Float32Array {
  const { h, w } = grid
  const out: number[] = []
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const g = groups[r * w + c]
      if (g === PRUNED || sizes[g] < minSize) continue
      if (r === 0 || groups[(r - 1) * w + c] !== g) out.push(c, r, c + 1, r, g, Side.Top)
      if (r === h - 1 || groups[(r + 1) * w + c] !== g) out.push(c, r + 1, c + 1, r + 1, g, Side.Bottom)
      if (c === 0 || groups[r * w + c - 1] !== g) out.push(c, r, c, r + 1, g, Side.Left)
      if (c === w - 1 || groups[r * w + c + 1] !== g) out.push(c + 1, r, c + 1, r + 1, g, Side.Right)
    }
  }
  return Float32Array.from(out)
}

/**
 * Source patches of every output token, as compressed rows (CSR): the patches of token g are
 * `patches[offsets[g] .. offsets[g+1])`, as global indices t·N + i in ascending order.
 * Shapes: offsets [M+1], patches [kept patches]. One counting pass and one filling pass.
 */
export interface GroupIndex {
  offsets: Int32Array
  patches: Int32Array
}

export function buildGroupIndex(map: TokenMap): GroupIndex {
  const m = map.tokenSizes.length
  const offsets = new Int32Array(m + 1)
  const groups = map.groups
  for (let k = 0; k < groups.length; k++) if (groups[k] >= 0) offsets[groups[k] + 1]++
  for (let g = 0; g < m; g++) offsets[g + 1] += offsets[g]
  const patches = new Int32Array(offsets[m])
  const fill = offsets.slice(0, m)
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k]
    if (g >= 0) patches[fill[g]++] = k
  }
  return { offsets, patches }
}

/** Global patch indices (t·N + i) of output token g. */
export const groupMembers = (index: GroupIndex, g: number): Int32Array => index.patches.subarray(index.offsets[g], index.offsets[g + 1])

/** How many source patches of token g lie in each frame: [frame, count] pairs in frame order. */
export function groupFrames(index: GroupIndex, g: number, patchesPerFrame: number): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const k of groupMembers(index, g)) {
    const t = Math.floor(k / patchesPerFrame)
    const last = out[out.length - 1]
    if (last && last[0] === t) last[1]++
    else out.push([t, 1])
  }
  return out
}

