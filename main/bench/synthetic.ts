import { createRng } from '../../common/tensor/rng'
import type { VideoTokens } from '../../common/tokens'

/**
 * Synthetic tokens shaped like a real video's, for method benchmarks: T frames of an h × w grid of
 * D-dim tokens in scenes of `sceneLength` frames. Within a scene each position keeps a fixed
 * vector plus small noise (so temporal methods find static tokens), scenes differ (so segmenters
 * find cuts), and the importance map peaks on a few patches. The arrays view one
 * SharedArrayBuffer, so worker threads read them without copies.
 *
 * The importance is labelled 'cls-attention' so that every method runs on it: it is synthetic.
 */
export function syntheticVideo(T: number, grid = { h: 14, w: 14 }, D = 768, seed = 1, sceneLength = 60): VideoTokens {
  const N = grid.h * grid.w
  const rand = createRng(seed)
  // One buffer for tokens and importance: method workers then share it without a copy.
  const all = new Float32Array(new SharedArrayBuffer(T * (N * D + N) * 4))
  const shared = all.subarray(0, T * N * D)
  const sharedImportance = all.subarray(T * N * D)
  const scene = new Float32Array(N * D)
  const tokens: Float32Array[] = []
  const importance: Float32Array[] = []
  for (let t = 0; t < T; t++) {
    if (t % sceneLength === 0) for (let k = 0; k < scene.length; k++) scene[k] = rand() * 2 - 1
    const frame = shared.subarray(t * N * D, (t + 1) * N * D)
    for (let k = 0; k < frame.length; k++) frame[k] = scene[k] + 0.1 * (rand() - 0.5)
    tokens.push(frame)
    const imp = sharedImportance.subarray(t * N, (t + 1) * N)
    let sum = 0
    for (let i = 0; i < N; i++) sum += imp[i] = Math.exp(4 * rand() ** 4)
    for (let i = 0; i < N; i++) imp[i] /= sum
    importance.push(imp)
  }
  return {
    modelId: 'synthetic',
    grid,
    dim: D,
    pts: Float64Array.from({ length: T }, (_, t) => t),
    tokens,
    // A stand-in class token: the first patch (synthetic data; shares the buffer).
    cls: tokens.map((f) => f.subarray(0, D)),
    importance,
    importanceKind: 'cls-attention',
  }
}
