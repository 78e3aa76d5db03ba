/**
 * A video whose frames stay in the token cache until a method reads them: `tokens[t]`, `cls[t]`,
 * `importance[t]`, `frameEmbeds[t]` and `patchEmbeds[t]` decode frame t's chunk on first use and keep only the `window`
 * most recently used chunks, so a method that walks the video in order (every per-frame stage,
 * global features, windows of temporal methods) holds a bounded number of frames as float32
 * whatever the video's length. pts (8 bytes a frame) is read whole, on first use.
 *
 * The arrays are read-only array views (index, length, iteration, map/forEach/…); a method that
 * keeps every frame it reads alive (a copy of all tokens) defeats the bound, as it would in memory.
 */
import type { VideoTokens } from '../../common/tokens'
import { openTokenCacheIfExists } from './token-cache'

/** Chunks of this many frames are read and decoded at once. */
const CHUNK_FRAMES = 16

export interface StreamedVideo {
  video: VideoTokens
  close(): void
}

/** Frames [0, frames) of the token cache in `dir` (frames: the frames the run is over; default all stored). */
export function streamedVideo(dir: string, opts: { frames?: number; window?: number } = {}): StreamedVideo {
  const cache = openTokenCacheIfExists(dir, { readOnly: true })
  if (!cache) throw new Error(`no token cache in ${dir}`)
  const T = Math.min(opts.frames ?? cache.framesReady, cache.framesReady)
  const window = Math.max(1, opts.window ?? 4)
  const { header } = cache
  const loaded = new Map<number, VideoTokens>()
  let pts: Float64Array | undefined
  const chunk = (t: number): { part: VideoTokens; at: number } => {
    const c = Math.floor(t / CHUNK_FRAMES)
    let part = loaded.get(c)
    if (part) loaded.delete(c)
    else {
      part = cache.read(c * CHUNK_FRAMES, Math.min(CHUNK_FRAMES, T - c * CHUNK_FRAMES), { shared: false })
      if (loaded.size >= window) loaded.delete(loaded.keys().next().value!)
    }
    loaded.set(c, part) // most recently used last
    return { part, at: t - c * CHUNK_FRAMES }
  }
  const frames = <A>(pick: (part: VideoTokens) => A[] | undefined): A[] =>
    new Proxy([] as A[], {
      get(target, prop, receiver) {
        if (prop === 'length') return T
        if (typeof prop === 'string' && /^\d+$/.test(prop)) {
          const t = Number(prop)
          if (t >= T) return undefined
          const { part, at } = chunk(t)
          return pick(part)![at]
        }
        return Reflect.get(Array.prototype, prop, receiver) ?? Reflect.get(target, prop, receiver)
      },
      has(target, prop) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) return Number(prop) < T
        return Reflect.has(target, prop)
      },
    })
  return {
    video: {
      modelId: header.modelId,
      grid: header.grid,
      dim: header.dim,
      // Read on first use: a budget change answered from prepared data needs none.
      get pts() {
        pts ??= cache.readPts().subarray(0, T)
        return pts
      },
      tokens: frames((p) => p.tokens),
      cls: header.hasCls ? frames((p) => p.cls) : undefined,
      importance: header.importanceKind ? frames((p) => p.importance) : undefined,
      importanceKind: header.importanceKind,
      ...(header.embedDim
        ? {
            embedDim: header.embedDim,
            frameEmbeds: header.hasFrameEmbeds ? frames((p) => p.frameEmbeds) : undefined,
            patchEmbeds: header.hasPatchEmbeds ? frames((p) => p.patchEmbeds) : undefined,
          }
        : {}),
    },
    close: () => {
      loaded.clear()
      cache.close()
    },
  }
}
