import type { TokenGrid } from './tokens'

/**
 * What a compression method did to a video: the unit that crosses IPC (see codec/token-map-codec.ts).
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
  let groups: Int32Array
  let tokenFrame: Int32Array
  let labelOf: Int32Array
  if (placement) {
    const { frame, key } = placement
    const order = Array.from({ length: frame.length }, (_, i) => i).sort((p, q) => frame[p] - frame[q] || key[p] - key[q] || p - q)
    const rank = new Int32Array(order.length)
    order.forEach((id, r) => (rank[id] = r))
    groups = new Int32Array(labels.length)
    for (let k = 0; k < labels.length; k++) groups[k] = labels[k] < 0 ? PRUNED : rank[labels[k]]
    tokenFrame = Int32Array.from(order, (id) => frame[id])
    labelOf = Int32Array.from(order)
  } else {
    // First-appearance ids are already in output order; each token sits at the frame of its first patch.
    const canonical = canonicalGroups(labels)
    groups = canonical.groups
    tokenFrame = canonical.firstIndex.map((k) => Math.floor(k / n))
    labelOf = canonical.firstLabel
  }
  const tokenSizes = new Float32Array(tokenFrame.length)
  const keptFrames = new Uint8Array(frameCount)
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k]
    if (g < 0) continue
    tokenSizes[g]++
    keptFrames[Math.floor(k / n)] = 1
  }
  for (let g = 0; g < tokenSizes.length; g++) if (tokenSizes[g] === 0) throw new Error(`output token ${labelOf[g]} owns no patch`)
  return { map: { grid, frameCount, keptFrames, groups, tokenSizes, tokenFrame }, labelOf }
}

/**
 * Renumbers labels (≥ 0, or -1 = pruned) to ids 0..m-1 in order of first appearance.
 * labels [K] → { groups [K] (ids, -1 = pruned), m, firstLabel [m] (the label each id came from),
 * firstIndex [m] (where each id first occurs) }.
 */
export function canonicalGroups(labels: ArrayLike<number>): { groups: Int32Array; m: number; firstLabel: Int32Array; firstIndex: Int32Array } {
  const groups = new Int32Array(labels.length)
  const idOf = new Map<number, number>()
  const firstLabel: number[] = []
  const firstIndex: number[] = []
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k]
    if (label < 0) {
      groups[k] = PRUNED
      continue
    }
    let id = idOf.get(label)
    if (id === undefined) {
      id = firstLabel.length
      idOf.set(label, id)
      firstLabel.push(label)
      firstIndex.push(k)
    }
    groups[k] = id
  }
  return { groups, m: firstLabel.length, firstLabel: Int32Array.from(firstLabel), firstIndex: Int32Array.from(firstIndex) }
}

/** [T] share of each frame's N patches that output tokens placed in it amount to (the heat row). */
export function frameShare(map: TokenMap): Float32Array {
  const n = map.grid.h * map.grid.w
  const share = new Float32Array(map.frameCount)
  for (let j = 0; j < map.tokenFrame.length; j++) share[map.tokenFrame[j]]++
  for (let t = 0; t < share.length; t++) share[t] /= n
  return share
}
