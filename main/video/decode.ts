/**
 * Frame decoding with ffmpeg: rawvideo rgb24 streamed from ffmpeg's stdout, one frame at a time.
 *
 * Timestamps: every frame carries its real presentation time. ffmpeg runs with `-copyts` (times
 * as stored in the file, the same numbers ffprobe shows), the filter chain ends in
 * `settb=AVTB,showinfo` (time base 1/1000000, so the integer pts is exact to the microsecond) and
 * the n-th showinfo line on stderr belongs to the n-th frame on stdout.
 *
 * Rotation: ffmpeg turns frames upright by the display matrix (autorotate, on by default in every
 * ffmpeg we support), so frames come out in display orientation; probe reports the stored size and
 * the `rotation`, and `displaySize(info)` gives what decoding produces.
 *
 * Every ffmpeg argument used here works on the 2018 build inside @ffmpeg-installer and on
 * ffmpeg 5.1+ (`-vsync passthrough` rather than `-fps_mode`, `-loglevel level+info`).
 */
import { spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { Sampling } from '../../common/video'
import { resolveBinaries, type Binaries } from './binaries'
import { VideoError, fileLabel, stderrTail } from './errors'
import { firstFrameTime } from './first-frame'
import { decodeFrameAt, resumeSeek, TIME_TOLERANCE } from './frame-lookup'
import { probeDetails, type ProbeDetails } from './probe'
import { parseShowinfo } from './showinfo'
import type { ResizeMode } from '../../common/video'

export type { ResizeMode }
/** The frame view's lookup lives in frame-lookup.ts; it is one of this module's entry points. */
export { decodeFrameAt }
export { listFramePts, listKeyframes } from './frame-times'

export interface DecodedFrame {
  /** Position of this frame in the decoded sequence (0, 1, 2, ...), not its number in the file. */
  index: number
  /** Presentation time in seconds, as stored in the file (microsecond precision). */
  pts: number
  /** rgb24, row-major, width*height*3 bytes; owned by the receiver (never reused). */
  data: Uint8Array
}

/** What the generator returns when it ends (for-await ignores it; `onWarning` sees the same). */
export interface DecodeSummary {
  frames: number
  /** Problems that did not stop decoding: corrupt data, a file that ends early, ... */
  warnings: string[]
  aborted: boolean
}

export interface FrameSizeOptions {
  width: number
  height: number
  /**
   * squash: scale to width×height ignoring aspect; center-crop: scale to cover, crop the middle;
   * letterbox: scale to fit, pad with black. Pixels are taken as square (sample aspect ignored).
   */
  resize: ResizeMode
}

export interface DecodeOptions extends FrameSizeOptions {
  sampling: Sampling
  /**
   * Resume a sampling part way: only the frames the same sampling gives after this pts (the
   * last frame a previous run delivered). ffmpeg seeks near it instead of decoding from the start.
   */
  resumeAfterPts?: number
  signal?: AbortSignal
  binaries?: Binaries
  onWarning?: (message: string) => void
}

export interface KeyframeDecodeOptions extends FrameSizeOptions {
  signal?: AbortSignal
  binaries?: Binaries
  onWarning?: (message: string) => void
}

export interface DecodeArgsOptions extends FrameSizeOptions {
  sampling: Sampling
  /** The container duration in seconds (VideoInfo.duration); needed for count sampling. */
  duration?: number
  /**
   * Decode only keyframes: 'skip-others' has the decoder skip every other frame (`-skip_frame
   * nokey`, fast; their times are right only when every packet carries its timestamp);
   * 'select' decodes all and keeps the keyframes (their times as a full decode gives them).
   * Both end in `select='key'`.
   */
  keyframesOnly?: 'skip-others' | 'select'
  /**
   * See DecodeOptions.resumeAfterPts; `origin` is the pts of the stream's first frame, `seek` s
   * from the file's start where decoding starts (null: from the start).
   */
  resume?: { afterPts: number; origin: number; seek: number | null }
}

/** Bytes of decoded output buffered ahead of the consumer before ffmpeg's stdout is paused. */
const HIGH_WATER_MARK = 8 * 1024 * 1024
const ERROR_LINE = /\[(error|fatal|panic)\]\s*(.*)$/

/**
 * The exact ffmpeg command line (without the binary) that `decodeFrames` runs; a benchmark can
 * run the same with the output `pipe:1` replaced by /dev/null.
 *
 * Sampling, with times relative to the first frame (select's start_t):
 * - every-frame: all frames.
 * - fps N: targets k/N, k = 0, 1, ...; for each target the first frame at or after it. A frame
 *   serves one target at most, so nothing is duplicated (N above the source rate gives every frame).
 * - count K over duration D: targets (i+0.5)·D/K; for each the first frame at or after it, again
 *   without duplicates, so a clip with fewer frames than targets gives fewer than K frames, and
 *   with K above half the frame count the last target can fall past the last frame.
 * Both use a stateful `select` (st/ld registers hold the next target), so decoded frames keep
 * their own timestamps.
 */
export function buildDecodeArgs(path: string, opts: DecodeArgsOptions): string[] {
  checkFrameSize(opts)
  // Some decoders (libdav1d, VP9) ignore -skip_frame and decode everything: select keeps keyframes only either way.
  const keySelect = opts.keyframesOnly ? "select='key'" : null
  const filters = [keySelect, selectFilter(opts.sampling, opts.duration, opts.resume), ...resizeFilters(opts), 'settb=AVTB', 'showinfo']
  const seek = opts.resume?.seek
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
    ...(opts.keyframesOnly === 'skip-others' ? ['-skip_frame', 'nokey'] : []),
    // The select filter picks the frames: every frame from the landing keyframe must reach it.
    ...(seek ? ['-noaccurate_seek', '-ss', seek.toFixed(6)] : []),
    '-copyts',
    '-i', path,
    '-map', '0:v:0',
    '-vf', filters.filter((f) => f !== null).join(','),
    '-vsync', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ]
}

/**
 * Decodes sampled frames as rgb24 at width×height, one at a time: ffmpeg is paused (pipe
 * backpressure) while the consumer is busy, so memory stays at a few frames for any video length.
 * Bad input throws VideoError before the first frame. A file that breaks part way keeps the
 * frames decoded so far and reports warnings (onWarning and the return value). Aborting the
 * signal kills ffmpeg and ends the generator quietly; so does leaving a for-await loop early.
 * When a count asks for at least every frame of the video, every frame is decoded.
 */
export async function* decodeFrames(path: string, opts: DecodeOptions): AsyncGenerator<DecodedFrame, DecodeSummary, undefined> {
  checkSampling(opts.sampling)
  const binaries = opts.binaries ?? (await resolveBinaries())
  const details = await probeDetails(path, { binaries })
  const { info } = details
  let sampling = opts.sampling
  if (sampling.mode === 'count' && info.frameCountExact && sampling.frames >= info.frameCount) sampling = { mode: 'every-frame' }
  let resume: DecodeArgsOptions['resume']
  if (opts.resumeAfterPts !== undefined) {
    // Targets are counted from the stream's first frame (select's start_t); after a seek start_t
    // moves, so the resumed run names the origin explicitly. The seek must land on a keyframe at
    // or before the last delivered frame (resumeSeek), else decoding starts from the beginning.
    const origin = await firstFrameTime(binaries.ffmpeg.path, path, opts.signal)
    if (origin === null) throw new VideoError('corrupt', `Could not decode the first frame of ${fileLabel(path)} to resume.`)
    const seek = await resumeSeek(binaries.ffmpeg.path, path, details, opts.resumeAfterPts, opts.signal)
    resume = { afterPts: opts.resumeAfterPts, origin, seek }
  }
  const args = buildDecodeArgs(path, { ...opts, sampling, duration: info.duration, resume })
  return yield* streamFrames(binaries.ffmpeg.path, args, opts, { path, details, sampling, resume })
}

/**
 * Decodes only the keyframes, for a quick look over a long video, each with the time a full decode
 * gives it: `-skip_frame nokey` (the decoder skips everything else, ~10× faster than decoding all
 * frames) where every packet carries its timestamp; otherwise (raw streams, sparse MPEG
 * timestamps: ffmpeg would number the kept frames as if they were consecutive) every frame is
 * decoded and the keyframes kept.
 */
export async function* decodeKeyframes(path: string, opts: KeyframeDecodeOptions): AsyncGenerator<DecodedFrame, DecodeSummary, undefined> {
  const binaries = opts.binaries ?? (await resolveBinaries())
  const details = await probeDetails(path, { binaries })
  const keyframesOnly = details.timestamps === 'all' ? 'skip-others' : 'select'
  const args = buildDecodeArgs(path, { ...opts, sampling: { mode: 'every-frame' }, keyframesOnly })
  return yield* streamFrames(binaries.ffmpeg.path, args, opts, { path, details })
}

// --- filters ---

function selectFilter(s: Sampling, duration: number | undefined, resume?: DecodeArgsOptions['resume']): string | null {
  const rel = resume ? `(t-${resume.origin}+${TIME_TOLERANCE})` : `(t-start_t+${TIME_TOLERANCE})`
  // A resumed run starts its register at the first target after the last delivered frame.
  const after = resume ? resume.afterPts - resume.origin + TIME_TOLERANCE : 0
  switch (s.mode) {
    case 'every-frame':
      return resume ? `select='gt(t,${resume.afterPts + TIME_TOLERANCE})'` : null
    case 'fps': {
      // ld(0): the next target; take a frame at or past it, then aim at the first target after it.
      const init = resume ? `st(0,max(ld(0),${(Math.floor(after * s.fps) + 1) / s.fps}));` : ''
      return `select='${init}if(gte(${rel},ld(0)),st(0,(floor(${rel}*${s.fps})+1)/${s.fps}),0)'`
    }
    case 'count': {
      if (!(duration && duration > 0)) throw new RangeError('count sampling needs the video duration')
      const step = duration / s.frames
      const init = resume ? `st(1,max(ld(1),${Math.floor(after / step - 0.5) + 1}));` : ''
      // ld(1): index i of the next target (i+0.5)*step; after a pick, the first target past the frame.
      return `select='${init}if(lt(ld(1),${s.frames})*gte(${rel},(ld(1)+0.5)*${step}),st(1,floor(${rel}/${step}-0.5)+1),0)'`
    }
  }
}

/** Scaling straight to rgb24 (one swscale pass), then crop or pad in rgb24 where offsets are free. */
function resizeFilters({ width: w, height: h, resize }: FrameSizeOptions): string[] {
  switch (resize) {
    case 'squash':
      return [`scale=${w}:${h}`, 'format=rgb24']
    case 'center-crop':
      return [`scale=${w}:${h}:force_original_aspect_ratio=increase`, 'format=rgb24', `crop=${w}:${h}`]
    case 'letterbox':
      return [`scale=${w}:${h}:force_original_aspect_ratio=decrease`, 'format=rgb24', `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`]
  }
}

function checkFrameSize({ width, height, resize }: FrameSizeOptions): void {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`frame size must be positive integers, got ${width}×${height}`)
  }
  if (!['squash', 'center-crop', 'letterbox'].includes(resize)) throw new RangeError(`unknown resize mode ${resize}`)
}

function checkSampling(s: Sampling): void {
  if (s.mode === 'fps' && !(s.fps > 0)) throw new RangeError(`fps sampling needs fps > 0, got ${s.fps}`)
  if (s.mode === 'count' && !(Number.isInteger(s.frames) && s.frames > 0)) {
    throw new RangeError(`count sampling needs a positive integer, got ${s.frames}`)
  }
}

// --- the ffmpeg process ---

interface StreamContext {
  path: string
  details: ProbeDetails
  /** Set for full decodes: lets us tell when the frames stop well before the video's end. */
  sampling?: Sampling
  /** For a resumed decode: the stream's first frame pts, the last pts delivered before, and where it seeks. */
  resume?: { origin: number; afterPts: number; seek: number | null }
}

async function* streamFrames(
  ffmpeg: string,
  args: string[],
  opts: FrameSizeOptions & { signal?: AbortSignal; onWarning?: (message: string) => void },
  ctx: StreamContext,
): AsyncGenerator<DecodedFrame, DecodeSummary, undefined> {
  const warnings: string[] = []
  const warn = (message: string) => {
    warnings.push(message)
    opts.onWarning?.(message)
  }
  const { signal } = opts
  if (signal?.aborted) return { frames: 0, warnings, aborted: true }

  const frameBytes = opts.width * opts.height * 3
  const proc = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let spawnError: Error | null = null
  const exited = new Promise<number | null>((resolve) => {
    proc.on('error', (e) => {
      spawnError = e
      resolve(null)
    })
    proc.on('close', (code) => resolve(code))
  })
  const log = followLog(proc.stderr)
  const chunks = chunkReader(proc.stdout, Math.max(HIGH_WATER_MARK, 2 * frameBytes))
  const kill = () => proc.kill('SIGKILL')
  signal?.addEventListener('abort', kill, { once: true })

  let index = 0
  // A seek starts decoding before its keyframe (MPEG-TS: on any packet): the errors logged before
  // the first delivered frame come from frames never delivered and say nothing about the file.
  const seeked = Boolean(ctx.resume?.seek)
  let errorsBeforeFirst = 0
  let firstPts = NaN
  let lastPts = NaN
  try {
    let frame = newFrame(frameBytes)
    let filled = 0
    for (let chunk = await chunks.next(); chunk; chunk = await chunks.next()) {
      for (let off = 0; off < chunk.length; ) {
        const n = Math.min(frameBytes - filled, chunk.length - off)
        frame.set(chunk.subarray(off, off + n), filled)
        filled += n
        off += n
        if (filled < frameBytes) continue
        const pts = await log.ptsOf(index)
        if (signal?.aborted) return { frames: index, warnings, aborted: true }
        if (index === 0) {
          firstPts = pts
          if (seeked) errorsBeforeFirst = log.errors.length
        }
        lastPts = pts
        yield { index, pts, data: frame }
        index++
        frame = newFrame(frameBytes)
        filled = 0
      }
    }
    const code = await exited
    if (signal?.aborted) return { frames: index, warnings, aborted: true }
    if (spawnError) {
      throw new VideoError('ffmpeg-missing', `ffmpeg could not be started (${(spawnError as Error).message}): check the ffmpeg setting.`)
    }
    await log.closed
    if (seeked && index === 0) errorsBeforeFirst = log.errors.length
    const errors = log.errors.slice(errorsBeforeFirst)
    const trouble = errors.length ? errors.slice(0, 3).join(' | ') : stderrTail(log.tail.join('\n'))
    if (index === 0 && (code !== 0 || errors.length)) {
      throw new VideoError('corrupt', `${fileLabel(ctx.path)} is damaged: no frame could be decoded.`, trouble)
    }
    if (code !== 0) warn(`ffmpeg stopped with an error after ${index} frames: ${trouble}`)
    else if (errors.length) warn(`Some data could not be decoded (${errors.length} errors): ${trouble}`)
    if (filled > 0) warn(`The last frame was incomplete (${filled} of ${frameBytes} bytes) and was dropped.`)
    const early = endsEarly(ctx, index, firstPts, lastPts)
    if (early) warn(early)
    return { frames: index, warnings, aborted: false }
  } finally {
    signal?.removeEventListener('abort', kill)
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
    proc.stdout.destroy()
  }
}

/** Frame memory without zero-filling (every byte is written before the frame is handed out). */
function newFrame(bytes: number): Uint8Array {
  return Buffer.allocUnsafeSlow(bytes)
}

/** A warning when the decoded frames stop well before the video's stated end, else null. */
function endsEarly(ctx: StreamContext, frames: number, firstPts: number, lastPts: number): string | null {
  const { sampling, details } = ctx
  if (!sampling) return null
  const duration = details.videoDuration
  if (!(duration > 0)) return null
  const fps = Math.max(details.info.fps, 1)
  const interval =
    sampling.mode === 'fps' ? 1 / sampling.fps : sampling.mode === 'count' ? duration / sampling.frames : 1 / fps
  const slack = Math.max(1, 2 * interval, 4 / fps)
  const last = frames > 0 ? lastPts : ctx.resume?.afterPts
  const span = last === undefined ? 0 : last - (ctx.resume?.origin ?? firstPts)
  if (duration - span <= slack) return null
  const end = last === undefined ? 'the start' : `${last.toFixed(2)} s`
  return `Decoding stopped at ${end} of ${duration.toFixed(2)} s: the file may be truncated or damaged.`
}

/**
 * Reads a stream's chunks on demand: flowing 'data' events (each chunk as read from the pipe, never
 * concatenated), paused once `highWaterMark` bytes wait unread so ffmpeg blocks on a full pipe.
 */
export function chunkReader(stream: Readable, highWaterMark: number): { next(): Promise<Buffer | null> } {
  const queue: Buffer[] = []
  let head = 0
  let buffered = 0
  let ended = false
  let wake: (() => void) | null = null
  const signal = () => {
    const w = wake
    wake = null
    w?.()
  }
  stream.on('data', (chunk: Buffer) => {
    queue.push(chunk)
    buffered += chunk.length
    if (buffered >= highWaterMark) stream.pause()
    signal()
  })
  const end = () => {
    ended = true
    signal()
  }
  stream.on('end', end)
  stream.on('close', end)
  stream.on('error', end)
  return {
    async next() {
      while (head === queue.length) {
        if (ended) return null
        await new Promise<void>((resolve) => (wake = resolve))
      }
      const chunk = queue[head]
      queue[head++] = undefined as unknown as Buffer
      if (head > 1024) {
        queue.splice(0, head)
        head = 0
      }
      buffered -= chunk.length
      if (buffered < highWaterMark && stream.isPaused() && !ended) stream.resume()
      return chunk
    },
  }
}

/** Follows ffmpeg's stderr: frame times from showinfo, error lines, and a short tail for messages. */
export function followLog(stderr: Readable) {
  const pts: number[] = []
  const errors: string[] = []
  const tail: string[] = []
  let done = false
  let wake: (() => void) | null = null
  let rest = ''
  const signal = () => {
    const w = wake
    wake = null
    w?.()
  }
  const onLine = (line: string) => {
    const shown = parseShowinfo(line)
    if (shown) {
      pts.push(shown.pts)
      return
    }
    if (!line.trim()) return
    const err = ERROR_LINE.exec(line)
    if (err && errors.length < 50) errors.push(err[2].trim())
    if (!/\[info\]/.test(line)) {
      tail.push(line)
      if (tail.length > 10) tail.shift()
    }
  }
  stderr.setEncoding('utf8')
  stderr.on('data', (text: string) => {
    const lines = (rest + text).split(/\r?\n|\r/)
    rest = lines.pop() ?? ''
    for (const line of lines) onLine(line)
    signal()
  })
  const closed = new Promise<void>((resolve) => {
    const finish = () => {
      if (done) return
      if (rest) onLine(rest)
      rest = ''
      done = true
      signal()
      resolve()
    }
    stderr.on('end', finish)
    stderr.on('close', finish)
    stderr.on('error', finish)
  })
  return {
    errors,
    tail,
    closed,
    /** The pts of output frame `i`; showinfo logs it before ffmpeg writes the frame, so it comes. */
    async ptsOf(i: number): Promise<number> {
      while (pts.length <= i && !done) await new Promise<void>((resolve) => (wake = resolve))
      return pts[i] ?? NaN
    },
  }
}
