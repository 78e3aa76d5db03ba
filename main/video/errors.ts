/** Why a video could not be read. Each code maps to one thing the user can do about it. */
export type VideoErrorCode =
  | 'missing'
  | 'empty'
  | 'not-video'
  | 'audio-only'
  | 'unsupported-codec'
  | 'corrupt'
  | 'ffmpeg-missing'

/**
 * The only error the video services throw for bad input. `message` is one line a user can act
 * on (no stack trace is meant to be shown); `detail` keeps ffmpeg's own words for logs.
 */
export class VideoError extends Error {
  override name = 'VideoError'
  constructor(
    readonly code: VideoErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message)
  }
}

/** The last few non-empty lines of ffmpeg's stderr: enough to say what went wrong. */
export function stderrTail(stderr: string, lines = 3): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ')
}

/** A file's name in quotes, for messages ("clip.mp4"). */
export function fileLabel(path: string): string {
  return `"${path.split(/[\\/]/).pop() || path}"`
}
