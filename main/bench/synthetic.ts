import { join } from 'node:path'
import { existsSync, rmSync } from 'node:fs'
import { createRng } from '../../common/tensor/rng'
import type { TokenGrid, VideoTokens } from '../../common/tokens'
import { openTokenCache, openTokenCacheIfExists } from '../cache/token-cache'

/**
 * Synthetic tokens shaped like a real video's, for method benchmarks: T frames of an h × w grid of
 * D-dim tokens in scenes of `sceneLength` frames. Within a scene each position keeps a fixed
 * vector plus small noise (so temporal methods find static tokens), scenes differ (so segmenters
 * find cuts), and the importance map peaks on a few patches.
 *
 * The importance is labelled 'cls-attention' so that every method runs on it: it is synthetic.
 */
export interface SyntheticOptions {
  grid?: TokenGrid
  dim?: number
  seed?: number
  sceneLength?: number
}

/** Frame by frame (the arrays are reused: copy what you keep): tokens [N·D] and importance [N]. */
function* syntheticFrames(T: number, { grid = { h: 14, w: 14 }, dim: D = 768, seed = 1, sceneLength = 60 }: SyntheticOptions) {
  const N = grid.h * grid.w
  const rand = createRng(seed)
  const scene = new Float32Array(N * D)
  const tokens = new Float32Array(N * D)
  const importance = new Float32Array(N)
  for (let t = 0; t < T; t++) {
    if (t % sceneLength === 0) for (let k = 0; k < scene.length; k++) scene[k] = rand() * 2 - 1
    for (let k = 0; k < tokens.length; k++) tokens[k] = scene[k] + 0.1 * (rand() - 0.5)
    let sum = 0
    for (let i = 0; i < N; i++) sum += importance[i] = Math.exp(4 * rand() ** 4)
    for (let i = 0; i < N; i++) importance[i] /= sum
    yield { tokens, importance }
  }
}

/** T synthetic frames in memory, viewing one SharedArrayBuffer (method workers read them without copies). */
export function syntheticVideo(T: number, grid = { h: 14, w: 14 }, D = 768, seed = 1, sceneLength = 60): VideoTokens {
  const N = grid.h * grid.w
  const all = new Float32Array(new SharedArrayBuffer(T * (N * D + N) * 4))
  const tokens: Float32Array[] = []
  const importance: Float32Array[] = []
  let t = 0
  for (const f of syntheticFrames(T, { grid, dim: D, seed, sceneLength })) {
    const frame = all.subarray(t * N * D, (t + 1) * N * D)
    frame.set(f.tokens)
    tokens.push(frame)
    const imp = all.subarray(T * N * D + t * N, T * N * D + (t + 1) * N)
    imp.set(f.importance)
    importance.push(imp)
    t++
  }
  return {
    modelId: 'synthetic',
    grid,
    dim: D,
    pts: Float64Array.from({ length: T }, (_, i) => i),
    tokens,
    // A stand-in class token: the first patch (synthetic data; shares the buffer).
    cls: tokens.map((f) => f.subarray(0, D)),
    importance,
    importanceKind: 'cls-attention',
  }
}

/**
 * T synthetic frames written to a token cache in `dir` (fp16, chunks of 16 frames) as analysis
 * writes one, frame by frame, never holding the video; kept when one with the same shape is there.
 * The class token is the first patch, as in syntheticVideo.
 */
export function writeSyntheticCache(dir: string, T: number, opts: SyntheticOptions = {}): string {
  const grid = opts.grid ?? { h: 14, w: 14 }
  const D = opts.dim ?? 768
  const N = grid.h * grid.w
  const fingerprint = `synthetic-${T}-${grid.h}x${grid.w}-${D}-${opts.seed ?? 1}-${opts.sceneLength ?? 60}`
  const existing = openTokenCacheIfExists(dir)
  if (existing) {
    const ok = existing.header.fingerprint === fingerprint && existing.header.complete && existing.framesReady === T
    existing.close()
    if (ok) return dir
    rmSync(dir, { recursive: true, force: true })
  }
  const cache = openTokenCache(dir, {
    fingerprint,
    video: { path: join(dir, 'synthetic'), duration: T } as never,
    modelId: 'synthetic',
    sampling: { mode: 'fps', fps: 1 },
    grid,
    dim: D,
    hasCls: true,
    importanceKind: 'cls-attention',
    framesExpected: T,
  })
  const B = 16
  const tokens = new Float32Array(B * N * D)
  const cls = new Float32Array(B * D)
  const importance = new Float32Array(B * N)
  let inBatch = 0
  let t = 0
  const flush = () => {
    if (!inBatch) return
    cache.append({
      pts: Float64Array.from({ length: inBatch }, (_, i) => t - inBatch + i),
      tokens: tokens.subarray(0, inBatch * N * D),
      cls: cls.subarray(0, inBatch * D),
      importance: importance.subarray(0, inBatch * N),
    })
    inBatch = 0
  }
  for (const f of syntheticFrames(T, opts)) {
    tokens.set(f.tokens, inBatch * N * D)
    cls.set(f.tokens.subarray(0, D), inBatch * D)
    importance.set(f.importance, inBatch * N)
    inBatch++
    t++
    if (inBatch === B) flush()
  }
  flush()
  cache.markComplete(T)
  cache.close()
  if (!existsSync(dir)) throw new Error(`could not write ${dir}`)
  return dir
}
