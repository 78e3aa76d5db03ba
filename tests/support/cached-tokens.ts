import { openCacheOf, readAllFrames, videoKeyFor } from '../../main/analysis/analyze'
import type { Sampling } from '../../common/video'

/** Every cached frame of (video, model, sampling), or null when none is cached. */
export const loadVideoTokens = async (opts: { path: string; modelId: string; sampling: Sampling; cacheDir: string }) =>
  readAllFrames(openCacheOf(await videoKeyFor(opts.path, opts.modelId, opts.sampling), opts.cacheDir))
