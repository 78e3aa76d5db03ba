import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { VideoInfo } from '../../common/video'
import { nextInChain, resolveBinaries, type Binaries, type Binary } from './binaries'
import { VideoError, stderrTail } from './errors'
import { crashed, runRaw, type RunResult } from './run'

export interface ProbeOptions {
  binaries?: Binaries
}

/** VideoInfo plus what decoding needs and the UI does not. */
export interface ProbeDetails {
  info: VideoInfo
  /** Container start time (s): ffmpeg's `-ss` is relative to it. */
  startTime: number
  /** Index of the chosen video stream among all streams. */
  streamIndex: number
  /** The video stream's own duration when stated (audio can outlast it), else `info.duration`. */
  videoDuration: number
}

/** Packets looked at (from the start) to tell variable from constant frame rate. */
const VFR_SAMPLE_PACKETS = 240
/** Above this size the frame count is estimated rather than counted (counting reads the whole file). */
const COUNT_PACKETS_MAX_BYTES = 1024 ** 3

/**
 * Reads a video's properties with ffprobe. Throws VideoError for every kind of bad input
 * (missing, empty, not a video, audio only, no decoder).
 *
 * Choices:
 * - `frameCount`: the container's nb_frames when stated (MP4/MOV); otherwise counted with
 *   `-count_packets` (demux only, no decoding) for files up to 1 GiB; otherwise duration × fps
 *   (`frameCountExact` false).
 * - `variableFrameRate`: true when avg_frame_rate and r_frame_rate differ by more than 1 %, or
 *   when the gaps between the first 240 frames' timestamps (sorted) vary by more than 1.5×;
 *   container-stated packet durations are not used since muxers often make them uniform.
 * - `rotation`: degrees counter-clockwise, as the display matrix gives (av_display_rotation_get);
 *   from the legacy `rotate` tag (clockwise) when there is no matrix; normalised to 0/90/180/270.
 *   ffmpeg applies it when decoding, so decoded frames are upright (see decode.ts);
 *   `width`/`height` are as stored, before rotation.
 * - A cover-art picture (attached_pic) is not a video stream.
 */
export async function probeVideo(path: string, opts: ProbeOptions = {}): Promise<VideoInfo> {
  return (await probeDetails(path, opts)).info
}

export async function probeDetails(path: string, opts: ProbeOptions = {}): Promise<ProbeDetails> {
  const sizeBytes = await checkFile(path)
  const { ffprobe } = opts.binaries ?? (await resolveBinaries())
  const res = await runFfprobe(ffprobe, [
    '-v', 'warning', '-hide_banner', '-of', 'json',
    '-show_format', '-show_streams',
    '-show_entries', 'packet=stream_index,pts_time',
    '-read_intervals', `%+#${VFR_SAMPLE_PACKETS}`,
    path,
  ])
  if (res.code !== 0) {
    throw new VideoError('not-video', `${name(path)} is not a video file ffmpeg can read.`, stderrTail(res.stderr))
  }
  const json = parseJson(res.stdout) as FfprobeJson | null
  const streams = json?.streams ?? []
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)
  if (!video) {
    if (streams.some((s) => s.codec_type === 'audio')) {
      throw new VideoError('audio-only', `${name(path)} has only audio, no video track: choose a video file.`)
    }
    throw new VideoError('not-video', `${name(path)} contains no video track.`, stderrTail(res.stderr))
  }
  const unsupported = new RegExp(`Unsupported codec with id \\d+ for input stream ${video.index}\\b`)
  if (!video.codec_name || video.codec_name === 'none' || unsupported.test(res.stderr)) {
    const tag = video.codec_tag_string ? ` (tag ${video.codec_tag_string})` : ''
    throw new VideoError(
      'unsupported-codec',
      `The video codec of ${name(path)}${tag} cannot be decoded by this ffmpeg: convert it to H.264 first.`,
      stderrTail(res.stderr),
    )
  }
  const width = video.width ?? 0
  const height = video.height ?? 0
  if (!(width > 0 && height > 0)) {
    throw new VideoError('corrupt', `${name(path)} is damaged: its video track has no picture size.`)
  }

  const nominalFps = rate(video.r_frame_rate)
  const fps = rate(video.avg_frame_rate) || nominalFps
  const duration = num(json?.format?.duration) || num(video.duration) || (num(video.nb_frames) && fps ? num(video.nb_frames) / fps : 0)
  const samplePts = (json?.packets ?? [])
    .filter((p) => p.stream_index === video.index)
    .map((p) => num(p.pts_time))
    .filter((t) => Number.isFinite(t))

  let frameCount = Math.round(num(video.nb_frames))
  let frameCountExact = frameCount > 0
  if (!frameCountExact && sizeBytes <= COUNT_PACKETS_MAX_BYTES) {
    frameCount = await countPackets(ffprobe, path, video.index)
    frameCountExact = frameCount > 0
  }
  if (!frameCountExact) frameCount = Math.round(duration * (fps || 25))

  const info: VideoInfo = {
    path,
    duration,
    fps,
    nominalFps,
    frameCount,
    frameCountExact,
    width,
    height,
    rotation: rotationOf(video),
    codec: video.codec_name,
    pixelFormat: video.pix_fmt ?? 'unknown',
    variableFrameRate: isVariableFrameRate(fps, nominalFps, samplePts),
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    sizeBytes,
  }
  const startTime = num(json?.format?.start_time) || 0
  return { info, startTime, streamIndex: video.index, videoDuration: num(video.duration) || duration }
}

/** Display size after rotation. */
export function displaySize(info: Pick<VideoInfo, 'width' | 'height' | 'rotation'>): { width: number; height: number } {
  return info.rotation % 180 === 90 ? { width: info.height, height: info.width } : { width: info.width, height: info.height }
}

/**
 * Constant frame rate when the average and nominal rates agree (1 %) and the sorted gaps between
 * the sampled timestamps stay within 1.5× of each other.
 */
export function isVariableFrameRate(fps: number, nominalFps: number, samplePts: number[]): boolean {
  if (fps > 0 && nominalFps > 0 && Math.abs(fps - nominalFps) / nominalFps > 0.01) return true
  const sorted = [...samplePts].sort((a, b) => a - b)
  let min = Infinity
  let max = 0
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i] - sorted[i - 1]
    if (gap <= 1e-6) continue
    min = Math.min(min, gap)
    max = Math.max(max, gap)
  }
  // Timestamps are printed to the microsecond: allow for that rounding on tiny gaps.
  return max > 0 && max > 1.5 * min + 2e-6
}

/**
 * Runs ffprobe; when it crashes (rather than reporting an error), runs the next ffprobe of the
 * fallback chain instead: the @ffprobe-installer build segfaults on every MPEG-TS file.
 */
export async function runFfprobe(ffprobe: Binary, args: string[]): Promise<RunResult> {
  let res = await runRaw(ffprobe.path, args)
  if (crashed(res)) {
    const next = await nextInChain('ffprobe', ffprobe)
    if (next) res = await runRaw(next.path, args)
  }
  return { ...res, stdout: res.stdout.toString('utf8') }
}

/** Size in bytes of a readable, non-empty file; VideoError otherwise. */
async function checkFile(path: string): Promise<number> {
  let size: number
  try {
    const st = await stat(path)
    if (st.isDirectory()) throw new VideoError('not-video', `${name(path)} is a folder, not a video file.`)
    size = st.size
  } catch (e) {
    if (e instanceof VideoError) throw e
    throw new VideoError('missing', `Video file not found: ${path}. It may have been moved or deleted.`)
  }
  try {
    await access(path, constants.R_OK)
  } catch {
    throw new VideoError('missing', `Video file ${path} cannot be read: check its permissions.`)
  }
  if (size === 0) throw new VideoError('empty', `${name(path)} is empty (0 bytes): the copy or download may have failed.`)
  return size
}

async function countPackets(ffprobe: Binary, path: string, streamIndex: number): Promise<number> {
  const res = await runFfprobe(ffprobe, [
    '-v', 'error', '-hide_banner', '-of', 'json',
    '-select_streams', String(streamIndex), '-count_packets',
    '-show_entries', 'stream=nb_read_packets',
    path,
  ])
  const json = parseJson(res.stdout) as { streams?: { nb_read_packets?: string }[] } | null
  return Math.round(num(json?.streams?.[0]?.nb_read_packets))
}

function rotationOf(s: FfprobeStream): number {
  const matrix = s.side_data_list?.find((d) => d.rotation !== undefined)
  const ccw = matrix ? num(matrix.rotation) : -num(s.tags?.rotate)
  const quarter = Math.round((Number.isFinite(ccw) ? ccw : 0) / 90)
  return (((quarter % 4) + 4) % 4) * 90
}

/** "30000/1001" → 29.97; "0/0" or missing → 0. */
function rate(r: string | undefined): number {
  if (!r) return 0
  const [a, b] = r.split('/').map(Number)
  const v = b === undefined ? a : a / b
  return Number.isFinite(v) && v > 0 ? v : 0
}

function num(v: string | number | undefined): number {
  const n = typeof v === 'number' ? v : v === undefined ? NaN : Number(v)
  return Number.isFinite(n) ? n : 0
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

function name(path: string): string {
  return `"${path.split(/[\\/]/).pop() || path}"`
}

interface FfprobeStream {
  index: number
  codec_type?: string
  codec_name?: string
  codec_tag_string?: string
  width?: number
  height?: number
  pix_fmt?: string
  r_frame_rate?: string
  avg_frame_rate?: string
  duration?: string
  nb_frames?: string
  disposition?: { attached_pic?: number }
  tags?: { rotate?: string }
  side_data_list?: { rotation?: number | string }[]
}

interface FfprobeJson {
  streams?: FfprobeStream[]
  format?: { duration?: string; start_time?: string }
  packets?: { stream_index: number; pts_time?: string }[]
}
