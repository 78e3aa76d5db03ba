import { tokenMapFromLabels, type TokenMap } from '../token-map'
import { createRng } from '../tensor/rng'

/**
 * A token map shaped like a busy method's on an hour of video, for benchmarks: T frames of an
 * h × w grid; per frame a quarter of the patches pruned and the rest merged into ~40 groups; every
 * tenth frame's first row merged into the previous frame's tokens (temporal merging).
 */
export function syntheticTokenMap(T = 3600, grid = { h: 14, w: 14 }, seed = 2): TokenMap {
  const N = grid.h * grid.w
  const random = createRng(seed)
  const labels = new Int32Array(T * N)
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      labels[t * N + i] = random() < 0.25 ? -1 : t * 64 + Math.floor(random() * 40)
      if (t % 10 === 9 && i < grid.w) labels[t * N + i] = (t - 1) * 64 + i
    }
  }
  return tokenMapFromLabels(grid, T, labels).map
}
