import type { TokenGrid } from './tokens'

/**
 * What a compression method did to a video: the unit that crosses IPC (see codec.ts).
 *
 * Output tokens are numbered 0..M-1 over the whole video, in output order (the order an LLM
 * would read them). `groups[t*N + i]` is the output token patch i of frame t went into, or -1
 * when it was pruned; several patches sharing an id were merged. A patch of one frame may go
 * into an output token that sits in another frame (temporal merging): `tokenFrame` says where
 * each output token sits.
 */
export interface TokenMap {
  grid: TokenGrid
  /** T, sampled frames of the input. */
  frameCount: number
  /** [T] 1 when the frame contributes at least one patch to the output. */
  keptFrames: Uint8Array
  /** [T*N] output token id, or -1 for pruned. */
  groups: Int32Array
  /** [M] number of source patches merged into each output token (its "size" in ToMe's sense). */
  tokenSizes: Float32Array
  /** [M] frame index each output token is placed at. */
  tokenFrame: Int32Array
}

export const PRUNED = -1

/**
 * Where each output token sits and in which order: token l is placed at frame `frame[l]`, and
 * tokens are numbered by frame, then `key[l]`, then l. [M] each.
 */
export interface TokenPlacement {
  frame: ArrayLike<number>
  key: ArrayLike<number>
}

/**
 * Builds a TokenMap from per-patch labels [T*N]: patches sharing a label merge into one output
 * token, -1 = pruned. Without `placement` the labels are any non-negative numbers and tokens are
 * numbered in order of first appearance (frame by frame, raster order, the order per-frame methods
 * emit them in), each placed at the first frame it occurs in. With `placement` the labels are
 * token ids 0..M-1, placed and ordered by it, and every id must own at least one patch.
 * Returns the map and labelOf [M], the label of each output token.
 */
export function tokenMapFromLabels(
  grid: TokenGrid,
  frameCount: number,
  labels: Int32Array,
  placement?: TokenPlacement,
): { map: TokenMap; labelOf: Int32Array } {
  const n = grid.h * grid.w
  const byAppearance = placement ? undefined : firstAppearance(labels, n)
  const ids = byAppearance?.ids ?? labels
  const { frame, key } = byAppearance?.placement ?? placement!
  const m = frame.length
  const order = Array.from({ length: m }, (_, i) => i).sort((p, q) => frame[p] - frame[q] || key[p] - key[q] || p - q)
  const rank = new Int32Array(m)
  order.forEach((id, r) => (rank[id] = r))
  const groups = new Int32Array(labels.length)
  const sizes = new Float32Array(m)
  const keptFrames = new Uint8Array(frameCount)
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]
    if (id < 0) {
      groups[k] = PRUNED
      continue
    }
    const g = rank[id]
    groups[k] = g
    sizes[g]++
    keptFrames[Math.floor(k / n)] = 1
  }
  for (let g = 0; g < m; g++) if (sizes[g] === 0) throw new Error(`output token ${order[g]} owns no patch`)
  const labelOf = byAppearance?.labelOf
  return {
    map: { grid, frameCount, keptFrames, groups, tokenSizes: sizes, tokenFrame: Int32Array.from(order, (id) => frame[id]) },
    labelOf: Int32Array.from(order, (id) => (labelOf ? labelOf[id] : id)),
  }
}

/**
 * Any labels (≥ 0, or -1 = pruned) renumbered to ids 0..M-1 in order of first appearance: ids [T*N],
 * labelOf [M] (the label of each id), and each id placed at its first frame, keyed by its first patch.
 */
function firstAppearance(labels: Int32Array, n: number): { ids: Int32Array; labelOf: number[]; placement: { frame: number[]; key: number[] } } {
  const idOf = new Map<number, number>()
  const ids = new Int32Array(labels.length)
  const labelOf: number[] = []
  const frame: number[] = []
  const key: number[] = []
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k]
    if (label < 0) {
      ids[k] = PRUNED
      continue
    }
    let id = idOf.get(label)
    if (id === undefined) {
      id = labelOf.length
      idOf.set(label, id)
      labelOf.push(label)
      frame.push(Math.floor(k / n))
      key.push(k)
    }
    ids[k] = id
  }
  return { ids, labelOf, placement: { frame, key } }
}

/** [T] share of each frame's N patches that output tokens placed in it amount to (the heat row). */
export function frameShare(map: TokenMap): Float32Array {
  const n = map.grid.h * map.grid.w
  const share = new Float32Array(map.frameCount)
  for (let j = 0; j < map.tokenFrame.length; j++) share[map.tokenFrame[j]]++
  for (let t = 0; t < share.length; t++) share[t] /= n
  return share
}
