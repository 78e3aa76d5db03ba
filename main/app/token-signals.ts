/** `tokens:signals` and `tokens:importance`: what the timeline and the frame view read of an open video's encoded frames. */
import type { FrameSignals } from '../../common/ipc/contract'
import { frameNovelty, importanceConcentration } from '../../common/metrics/index'
import { AppError } from './errors'
import type { OpenVideos } from './open-videos'

/** Per-frame novelty and importance concentration of the frames encoded so far (none yet is not an error). */
export async function frameSignals(videos: OpenVideos, videoKey: string): Promise<FrameSignals> {
  const v = videos.get(videoKey)
  if (v.framesReady === 0 && !v.tokens) return { pts: new Float64Array(0), novelty: new Float32Array(0), concentration: new Float32Array(0) }
  const video = await videos.tokensOf(v)
  return {
    pts: video.pts,
    novelty: frameNovelty(video),
    concentration: importanceConcentration(video) ?? new Float32Array(video.tokens.length),
  }
}

/** The importance map of one encoded frame; null when the model gives none. */
export async function frameImportance(videos: OpenVideos, videoKey: string, frame: number): Promise<Float32Array | null> {
  const video = await videos.tokensOf(videos.get(videoKey))
  if (frame >= video.tokens.length) throw new AppError('bad-request', `frame ${frame} is out of range (the video has ${video.tokens.length} encoded frames)`)
  return video.importance?.[frame] ?? null
}
