import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { VideoInfo } from '../../common/video'
import { nextInChain, resolveBinaries, type Binaries, type Binary } from './binaries'
import { VideoError, fileLabel, stderrTail } from './errors'
import { crashed, runRaw, type RunResult } from './run'
import { firstFrameTime } from './first-frame'
import {
  durationsVary,
  frameDurations,
  median,
  nominalRate,
  parsePacketLines,
  timeRange,
  timestampSource,
  type PacketTiming,
  type TimestampSource,
} from './stream-timing'

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
  /** The video stream's own duration (audio can outlast it), else `info.duration`. */
  videoDuration: number
  /** Whether the packets carry their own timestamps (stream-timing.ts): seeking is exact only for 'all'. */
  timestamps: TimestampSource
}

/** Packets looked at (from the start) to tell variable from constant frame rate when the whole list is not read. */
const VFR_SAMPLE_PACKETS = 240
/** Above this size the frame count is estimated rather than counted (counting reads the whole file). */
const COUNT_PACKETS_MAX_BYTES = 1024 ** 3
/** Probed files remembered (by path, size, mtime and ffprobe): the frame view probes on every request. */
const PROBE_CACHE_MAX = 16

const probeCache = new Map<string, Promise<ProbeDetails>>()

/**
 * Reads a video's properties with ffprobe. Throws VideoError for every kind of bad input
 * (missing, empty, not a video, audio only, no decoder). Results are cached per file version.
 *
 * Choices:
 * - Packets: when the container states no frame count (everything but MP4/MOV), every video packet
 *   is listed (demux only, no decoding) for files up to 1 GiB: their number is `frameCount`, their
 *   timestamps give the frames' span and rate. MP4/MOV: nb_frames, and the first 240 packets for
 *   the rate. Above 1 GiB without nb_frames: duration × fps (`frameCountExact` false).
 * - `duration`: the container's, unless it is missing or shorter than the frames it holds (a raw
 *   MPEG stream "lasts" 0.04 s by its bitrate guess; a WebM written live states none): then the
 *   frames' span (first to last timestamp plus one frame; frames × frame duration for a stream
 *   without timestamps), with a warning. A container duration LONGER than the frames is kept: the
 *   file may be truncated, and decoding says so.
 * - Frame durations come from the packets' decode timestamps, packets without one spread evenly
 *   between their timed neighbours (frameDurations). `variableFrameRate`: those durations vary by
 *   more than 1.5×, or the average and nominal rates differ by more than 1 %. `nominalFps`:
 *   r_frame_rate, except for a constant-rate stream whose timestamps say otherwise (then the rate
 *   they show). `fps` (average): avg_frame_rate, unless the counted frames over their span differ
 *   from it by more than 2 % (then frames / span, with a warning).
 * - `startTime`: the video stream's first timestamp as stored (stream start_time); for a raw stream
 *   (no stored times) the time ffmpeg gives its first frame.
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
  const file = await checkFile(path)
  const binaries = opts.binaries ?? (await resolveBinaries())
  const key = JSON.stringify([path, file.size, file.mtimeMs, binaries.ffprobe.path, binaries.ffmpeg.path])
  let hit = probeCache.get(key)
  if (!hit) {
    hit = readDetails(path, file.size, binaries)
    hit.catch(() => probeCache.delete(key))
    probeCache.set(key, hit)
    if (probeCache.size > PROBE_CACHE_MAX) probeCache.delete(probeCache.keys().next().value as string)
  }
  return hit
}

async function readDetails(path: string, sizeBytes: number, { ffmpeg, ffprobe }: Binaries): Promise<ProbeDetails> {
  const res = await runFfprobe(ffprobe, [
    '-v', 'warning', '-hide_banner', '-of', 'json',
    '-show_format', '-show_streams',
    '-show_entries', 'packet=stream_index,pts_time,dts_time,flags',
    '-read_intervals', `%+#${VFR_SAMPLE_PACKETS}`,
    path,
  ])
  if (res.code !== 0) {
    throw new VideoError('not-video', `${fileLabel(path)} is not a video file ffmpeg can read.`, stderrTail(res.stderr))
  }
  const json = parseJson(res.stdout) as FfprobeJson | null
  const streams = json?.streams ?? []
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)
  if (!video) {
    if (streams.some((s) => s.codec_type === 'audio')) {
      throw new VideoError('audio-only', `${fileLabel(path)} has only audio, no video track: choose a video file.`)
    }
    throw new VideoError('not-video', `${fileLabel(path)} contains no video track.`, stderrTail(res.stderr))
  }
  const unsupported = new RegExp(`Unsupported codec with id \\d+ for input stream ${video.index}\\b`)
  if (!video.codec_name || video.codec_name === 'none' || unsupported.test(res.stderr)) {
    const tag = video.codec_tag_string ? ` (tag ${video.codec_tag_string})` : ''
    throw new VideoError(
      'unsupported-codec',
      `The video codec of ${fileLabel(path)}${tag} cannot be decoded by this ffmpeg: convert it to H.264 first.`,
      stderrTail(res.stderr),
    )
  }
  const width = video.width ?? 0
  const height = video.height ?? 0
  if (!(width > 0 && height > 0)) {
    throw new VideoError('corrupt', `${fileLabel(path)} is damaged: its video track has no picture size.`)
  }

  const warnings: string[] = []
  const sample: PacketTiming[] = (json?.packets ?? [])
    .filter((p) => p.stream_index === video.index)
    .map((p) => ({ pts: timeOf(p.pts_time), dts: timeOf(p.dts_time), key: Boolean(p.flags?.includes('K')) }))
  const stated = Math.round(num(video.nb_frames))
  const all = stated > 0 || sizeBytes > COUNT_PACKETS_MAX_BYTES ? null : await listVideoPackets(ffprobe, path, video.index)
  const packets = all ?? sample
  const timestamps = timestampSource(json?.format?.format_name ?? '', packets)

  // Rates: what the timestamps show, beside what the stream states.
  const durations = frameDurations(packets)
  const frameDuration = median(durations)
  const varies = durationsVary(durations)
  const nominalFps = nominalRate(rate(video.r_frame_rate), durations)
  let fps = rate(video.avg_frame_rate) || nominalFps
  const step = frameDuration > 0 ? frameDuration : 1 / (nominalFps || 25)

  const frameCount = all ? all.length : stated
  const range = all ? timeRange(all) : null
  // Packets without a pts (partial, none) do not show when their frame is shown: a steady stream's
  // span is then its frames × their duration.
  const byRange = range && (timestamps === 'all' || (timestamps === 'partial' && varies))
  const span = !all ? 0 : byRange ? range.last - range.first + step : all.length * step
  const containerDuration = num(json?.format?.duration) || num(video.duration)
  let duration = containerDuration || (stated && fps ? stated / fps : 0)
  let videoDuration = num(video.duration) || duration
  if (span > 0 && !(duration >= span - 1.5 * step - 1e-3)) {
    const said = duration > 0 ? `The container's duration (${duration.toFixed(3)} s) is shorter than` : 'The container states no duration for'
    warnings.push(`${said} the video's ${frameCount} frames, which span ${span.toFixed(3)} s: using their span.`)
    duration = span
  }
  if (span > 0 && !(videoDuration >= span - 1.5 * step - 1e-3)) videoDuration = span
  if (all && span > 0) {
    const measured = all.length / span
    if (!(Math.abs(fps - measured) <= 0.02 * measured)) {
      warnings.push(`The stream states ${fps ? `${fps.toFixed(3)} fps on average` : 'no average frame rate'}, but its ${all.length} frames span ${span.toFixed(3)} s: using ${measured.toFixed(3)} fps.`)
      fps = measured
    }
  }
  const exact = frameCount > 0

  const info: VideoInfo = {
    path,
    duration,
    fps,
    nominalFps,
    frameCount: exact ? frameCount : Math.round(duration * (fps || 25)),
    frameCountExact: exact,
    startTime: timestamps === 'none' ? ((await firstFrameTime(ffmpeg.path, path)) ?? 0) : num(video.start_time ?? range?.first),
    width,
    height,
    rotation: rotationOf(video),
    codec: video.codec_name,
    pixelFormat: video.pix_fmt ?? 'unknown',
    variableFrameRate: isVariableFrameRate(fps, nominalFps, packets),
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    sizeBytes,
    warnings,
  }
  const startTime = num(json?.format?.start_time) || 0
  return { info, startTime, streamIndex: video.index, videoDuration, timestamps }
}

/** Display size after rotation. */
export function displaySize(info: Pick<VideoInfo, 'width' | 'height' | 'rotation'>): { width: number; height: number } {
  return info.rotation % 180 === 90 ? { width: info.height, height: info.width } : { width: info.width, height: info.height }
}

/**
 * Variable frame rate when the average and nominal rates differ by more than 1 %, or the frame
 * durations the timestamps show vary by more than 1.5× (frameDurations: packets in read order, or
 * bare presentation times in any order).
 */
export function isVariableFrameRate(fps: number, nominalFps: number, timestamps: readonly PacketTiming[] | readonly number[]): boolean {
  if (fps > 0 && nominalFps > 0 && Math.abs(fps - nominalFps) / nominalFps > 0.01) return true
  const packets = timestamps.map((t) => (typeof t === 'number' ? { pts: t, dts: NaN, key: false } : t))
  return durationsVary(frameDurations(packets))
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

/** Size in bytes and modification time of a readable, non-empty file; VideoError otherwise. */
async function checkFile(path: string): Promise<{ size: number; mtimeMs: number }> {
  let size: number
  let mtimeMs: number
  try {
    const st = await stat(path)
    if (st.isDirectory()) throw new VideoError('not-video', `${fileLabel(path)} is a folder, not a video file.`)
    size = st.size
    mtimeMs = st.mtimeMs
  } catch (e) {
    if (e instanceof VideoError) throw e
    throw new VideoError('missing', `Video file not found: ${path}. It may have been moved or deleted.`)
  }
  try {
    await access(path, constants.R_OK)
  } catch {
    throw new VideoError('missing', `Video file ${path} cannot be read: check its permissions.`)
  }
  if (size === 0) throw new VideoError('empty', `${fileLabel(path)} is empty (0 bytes): the copy or download may have failed.`)
  return { size, mtimeMs }
}

/** Every packet of the video stream, in read order (demux only). */
async function listVideoPackets(ffprobe: Binary, path: string, streamIndex: number): Promise<PacketTiming[]> {
  const res = await runFfprobe(ffprobe, [
    '-v', 'error', '-hide_banner',
    '-select_streams', String(streamIndex),
    '-show_entries', 'packet=pts_time,dts_time,flags',
    '-of', 'compact=p=0',
    path,
  ])
  return parsePacketLines(res.stdout)
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

/** A timestamp as ffprobe prints it; NaN when absent ("N/A" or missing). */
function timeOf(v: string | undefined): number {
  const n = v === undefined ? NaN : Number(v)
  return Number.isFinite(n) ? n : NaN
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
  start_time?: string
  nb_frames?: string
  disposition?: { attached_pic?: number }
  tags?: { rotate?: string }
  side_data_list?: { rotation?: number | string }[]
}

interface FfprobeJson {
  streams?: FfprobeStream[]
  format?: { duration?: string; start_time?: string; format_name?: string }
  packets?: { stream_index: number; pts_time?: string; dts_time?: string; flags?: string }[]
}
