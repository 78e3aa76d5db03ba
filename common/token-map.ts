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

export const outputTokenCount = (m: TokenMap): number => m.tokenSizes.length

/**
 * Builds a TokenMap from per-patch group ids, numbering output tokens in order of first
 * appearance (frame by frame, raster order), which is the order methods emit them in.
 * `groups` uses any non-negative labels (they are renumbered); -1 = pruned.
 * `placeAt` optionally gives the frame each label sits in (default: the first frame it occurs in).
 */
export function tokenMapFromLabels(
  grid: TokenGrid,
  frameCount: number,
  labels: Int32Array,
  placeAt?: (label: number, firstFrame: number) => number,
): { map: TokenMap; labelOf: Int32Array } {
  const n = grid.h * grid.w
  const renumber = new Map<number, number>()
  const groups = new Int32Array(labels.length)
  const sizes: number[] = []
  const frames: number[] = []
  const labelOf: number[] = []
  const keptFrames = new Uint8Array(frameCount)
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k]
    if (label < 0) {
      groups[k] = PRUNED
      continue
    }
    const t = Math.floor(k / n)
    keptFrames[t] = 1
    let id = renumber.get(label)
    if (id === undefined) {
      id = sizes.length
      renumber.set(label, id)
      sizes.push(0)
      frames.push(placeAt ? placeAt(label, t) : t)
      labelOf.push(label)
    }
    sizes[id]++
    groups[k] = id
  }
  return {
    map: {
      grid,
      frameCount,
      keptFrames,
      groups,
      tokenSizes: Float32Array.from(sizes),
      tokenFrame: Int32Array.from(frames),
    },
    labelOf: Int32Array.from(labelOf),
  }
}

/** [T] share of each frame's N patches that output tokens placed in it amount to (the heat row). */
export function frameShare(map: TokenMap): Float32Array {
  const n = map.grid.h * map.grid.w
  const share = new Float32Array(map.frameCount)
  for (let j = 0; j < map.tokenFrame.length; j++) share[map.tokenFrame[j]]++
  for (let t = 0; t < share.length; t++) share[t] /= n
  return share
}
