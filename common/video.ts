/** What ffprobe tells us about a video; crosses IPC as JSON. */
export interface VideoInfo {
  path: string
  /** Container duration in seconds. */
  duration: number
  /** Average frame rate (frames / second), from the stream's avg_frame_rate. */
  fps: number
  /** Nominal frame rate (r_frame_rate); differs from `fps` on variable-frame-rate video. */
  nominalFps: number
  /** Exact frame count when the container states it or it was counted, else an estimate. */
  frameCount: number
  frameCountExact: boolean
  /** Presentation time (s) of the video stream's first frame, as stored (often not 0: MPEG streams, edits). */
  startTime: number
  width: number
  height: number
  /** Display rotation in degrees (0, 90, 180, 270) from the stream's display matrix. */
  rotation: number
  codec: string
  pixelFormat: string
  variableFrameRate: boolean
  hasAudio: boolean
  sizeBytes: number
  /** What probing had to correct: a container duration or rate inconsistent with the stream's own frames. */
  warnings: string[]
}

/**
 * How a frame is fitted to a model's input size: squash (ignore aspect), center-crop (cover, crop
 * the middle) or letterbox (fit, pad with black). The manifest declares it; the decoder applies it.
 */
export type ResizeMode = 'squash' | 'center-crop' | 'letterbox'

/** File name extensions (lower case, no dot) offered as videos: the open dialog's filter, the folders `compare --videos` reads. */
export const VIDEO_EXTENSIONS: readonly string[] = ['mp4', 'mkv', 'mov', 'avi', 'webm', 'm4v', 'mpg', 'mpeg', 'ts', 'flv', 'wmv']

/** How frames are sampled from a video for encoding. */
export type Sampling =
  | { mode: 'every-frame' }
  | { mode: 'fps'; fps: number }
  | { mode: 'count'; frames: number }

export function samplingKey(s: Sampling): string {
  switch (s.mode) {
    case 'every-frame':
      return 'all'
    case 'fps':
      return `fps${s.fps}`
    case 'count':
      return `n${s.frames}`
  }
}

export function describeSampling(s: Sampling): string {
  switch (s.mode) {
    case 'every-frame':
      return 'every frame'
    case 'fps':
      return `${s.fps} frame${s.fps === 1 ? '' : 's'} per second`
    case 'count':
      return `${s.frames} frames spread evenly`
  }
}
