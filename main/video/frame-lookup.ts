/**
 * Finding frames by time in any container: one frame for the frame view (`decodeFrameAt`), and a
 * safe place to start a resumed decode (`resumeSeek`).
 *
 * A seek is only a hint. ffmpeg's input seek (`-ss`) lands wherever the demuxer can: on the
 * keyframe before the target (MP4, Matroska with cues), on any packet near it (MPEG program and
 * transport streams, found by timestamp search: decoding then starts on frames that reference
 * pictures never read), or past it (a WebM written without cues, whose frames after the last
 * keyframe the demuxer cannot find). So each seek is checked by what it decoded: frames count only
 * from the first keyframe on (`-noaccurate_seek`, so nothing is dropped before our own filter sees
 * it), and that keyframe must be at or before the target; otherwise, or when ffmpeg fails, the
 * seek is retried earlier (5 s, 30 s) and finally without seeking, which decodes from the start
 * and is the reference. A frame is accepted only from a run that covers the target this way: the
 * first frame whose pts is at or after the target (minus 0.1 ms), never "one close enough".
 *
 * Streams whose packets do not all carry timestamps (raw elementary streams, MPEG program streams
 * with sparse PTS: ProbeDetails.timestamps) get their frame times from ffmpeg guessing forward from
 * the start, which a seek does not reproduce: they are always decoded from the start.
 */
import { resolveBinaries, type Binaries } from './binaries'
import { VideoError, fileLabel, stderrTail } from './errors'
import { probeDetails, type ProbeDetails } from './probe'
import { runRaw } from './run'
import { parseShowinfo, type ShownFrame } from './showinfo'

export interface FoundFrame {
  width: number
  height: number
  /** Presentation time (s) as stored in the file. */
  pts: number
  /** rgb24, width*height*3 bytes. */
  data: Uint8Array
}

/** Slack (s) when comparing a frame time with a target, well under any frame duration. */
export const TIME_TOLERANCE = 1e-4
/** Earlier and earlier seeks (s before the target) after the first; then no seek at all. */
const RETRY_MARGINS = [5, 30]

/**
 * One frame at display resolution (upright), or scaled down to `maxWidth` keeping its aspect: the
 * first frame whose pts is at or after `pts` (minus 0.1 ms), so passing a pts that decoding
 * reported gives exactly that frame. The first seek aims 0.4 frame before `pts`. Throws RangeError
 * when the video has no frame that late, VideoError when it cannot be decoded at all.
 */
export async function decodeFrameAt(
  path: string,
  pts: number,
  opts: { maxWidth?: number; binaries?: Binaries; signal?: AbortSignal } = {},
): Promise<FoundFrame> {
  const binaries = opts.binaries ?? (await resolveBinaries())
  const details = await probeDetails(path, { binaries })
  const { info } = details
  const frameDuration = 1 / Math.max(info.fps, info.nominalFps, 1)
  for (const seek of seekPlan(details, pts, 0.4 * frameDuration)) {
    const run = await decodeFrom(binaries.ffmpeg.path, path, pts, seek, opts)
    if (run.outcome === 'found') return run.frame
    if (run.outcome === 'past-end') break
    if (seek === null) {
      throw new VideoError('corrupt', `Could not decode the frame at ${pts.toFixed(3)} s of ${fileLabel(path)}.`, run.detail)
    }
  }
  throw new RangeError(`No frame at or after ${pts} s in ${fileLabel(path)} (duration ${info.duration} s)`)
}

/**
 * Where (s from the file's start, for `-noaccurate_seek -ss`) a decode can start and still give
 * every frame after `afterPts`: a seek whose first keyframe is at or before it. Null: decode from
 * the start (no seek found that covers it, or the stream's times need decoding from the start).
 */
export async function resumeSeek(
  ffmpeg: string,
  path: string,
  details: ProbeDetails,
  afterPts: number,
  signal?: AbortSignal,
): Promise<number | null> {
  for (const seek of seekPlan(details, afterPts, 1)) {
    if (seek === null) return null
    const run = await decodeFrom(ffmpeg, path, afterPts, seek, { maxWidth: 16, signal })
    if (run.landing !== undefined && run.landing <= afterPts + TIME_TOLERANCE) return seek
  }
  return null
}

/** The seeks to try for `target` (s from the file's start; null = no seek), the first `margin` before it. */
function seekPlan(details: ProbeDetails, target: number, margin: number): (number | null)[] {
  const plan: (number | null)[] = []
  if (details.timestamps === 'all') {
    for (const m of [margin, ...RETRY_MARGINS]) {
      const seek = target - details.startTime - m
      if (seek <= 0) break
      plan.push(seek)
    }
  }
  plan.push(null)
  return plan
}

type LookupRun =
  | { outcome: 'found'; frame: FoundFrame; landing?: number }
  | { outcome: 'past-end'; landing?: number }
  | { outcome: 'not-covered'; landing?: number; detail: string }

/**
 * One ffmpeg run: seek to `seek` if given, then the first frame at or after `pts`. With a seek,
 * select passes the first keyframe (the landing) and, after it, the first frame at or after
 * `pts`; frames before that keyframe are never taken.
 */
async function decodeFrom(
  ffmpeg: string,
  path: string,
  pts: number,
  seek: number | null,
  opts: { maxWidth?: number; signal?: AbortSignal },
): Promise<LookupRun> {
  const target = pts - TIME_TOLERANCE
  const select = seek === null ? `gte(t,${target})` : `if(ld(0),gte(t,${target}),if(key,st(0,1),0))`
  const scale = opts.maxWidth && opts.maxWidth > 0 ? [`scale='min(iw,${Math.round(opts.maxWidth)})':-1`] : []
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
    ...(seek !== null ? ['-noaccurate_seek', '-ss', seek.toFixed(6)] : []),
    '-copyts',
    '-i', path,
    '-map', '0:v:0',
    '-vf', [`select='${select}'`, ...scale, 'format=rgb24', 'settb=AVTB', 'showinfo'].join(','),
    '-frames:v', seek === null ? '1' : '2',
    '-vsync', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ]
  const res = await runRaw(ffmpeg, args, { signal: opts.signal })
  const shown = res.stderr.split(/\r?\n|\r/).map(parseShowinfo).filter((f): f is ShownFrame => f !== null)
  const frames: FoundFrame[] = []
  let offset = 0
  for (const s of shown) {
    const bytes = s.width * s.height * 3
    if (offset + bytes > res.stdout.length) break
    frames.push({ width: s.width, height: s.height, pts: s.pts, data: new Uint8Array(res.stdout.buffer, res.stdout.byteOffset + offset, bytes) })
    offset += bytes
  }
  const detail = stderrTail(res.stderr)
  const ok = res.code === 0
  if (seek === null) {
    if (frames.length) return { outcome: 'found', frame: frames[0] }
    return ok ? { outcome: 'past-end' } : { outcome: 'not-covered', detail }
  }
  const landing = frames[0]?.pts
  // Landed past the target (or on nothing): this run cannot tell which frame comes first at it.
  if (landing === undefined || landing > pts + TIME_TOLERANCE) return { outcome: 'not-covered', landing, detail }
  const frame = landing >= target ? frames[0] : frames[1]
  if (frame) return { outcome: 'found', frame, landing }
  // Nothing at or after the target after a good landing: the video ends before it, unless ffmpeg failed.
  return ok ? { outcome: 'past-end', landing } : { outcome: 'not-covered', landing, detail }
}
