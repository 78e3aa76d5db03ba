/**
 * Presentation times of a video's frames and keyframes, the same times a full decode gives them
 * (the analysis' sampling, the quick look and the frame stepper all number frames by this list).
 *
 * Where every packet carries its timestamp (ProbeDetails.timestamps 'all') the packets are listed
 * with ffprobe without decoding (fast even for hour-long files). Where some or all do not (raw
 * elementary streams, MPEG program streams with sparse PTS), a packet list would leave those frames
 * out or give them no time at all: the frames are decoded (tiny, then dropped) and their times
 * taken from ffmpeg, as decodeFrames would give them.
 */
import { PTS_TOLERANCE } from '../../common/annotations/frames'
import type { FrameTable } from '../../common/ipc/contract'
import { resolveBinaries, type Binaries } from './binaries'
import { VideoError, fileLabel, stderrTail } from './errors'
import { probeDetails, runFfprobe } from './probe'
import { run } from './run'
import { parseShowinfo } from './showinfo'
import { parsePacketLines } from './stream-timing'

interface ListedFrame {
  pts: number
  key: boolean
}

/** Presentation times (s, ascending) of the keyframes: the frames `decodeKeyframes` returns. */
export async function listKeyframes(path: string, opts: { binaries?: Binaries } = {}): Promise<Float64Array> {
  return Float64Array.from(await listFrames(path, true, opts.binaries), (f) => f.pts).sort()
}

/** Presentation times (s, ascending) of every frame of the video stream. */
export async function listFramePts(path: string, opts: { binaries?: Binaries } = {}): Promise<Float64Array> {
  return (await listFrameTable(path, opts)).pts
}

/** Every frame's pts in presentation order and which of them are keyframes. */
export async function listFrameTable(path: string, opts: { binaries?: Binaries } = {}): Promise<FrameTable> {
  const table = frameTableOf(await listFrames(path, false, opts.binaries))
  if (table.pts.length === 0) throw new VideoError('corrupt', `${fileLabel(path)} lists no video frames.`)
  return table
}

/** Frames sorted into presentation order, those without a time and repeats of one time dropped, keyframes marked by index. */
export function frameTableOf(frames: readonly ListedFrame[]): FrameTable {
  const sorted = frames.filter((f) => Number.isFinite(f.pts)).sort((a, b) => a.pts - b.pts)
  const pts: number[] = []
  const keyframes: number[] = []
  for (const f of sorted) {
    if (pts.length && f.pts - pts[pts.length - 1] < PTS_TOLERANCE) continue
    if (f.key) keyframes.push(pts.length)
    pts.push(f.pts)
  }
  return { pts: Float64Array.from(pts), keyframes: Uint32Array.from(keyframes) }
}

async function listFrames(path: string, keyOnly: boolean, given?: Binaries): Promise<ListedFrame[]> {
  const binaries = given ?? (await resolveBinaries())
  const { streamIndex, timestamps } = await probeDetails(path, { binaries })
  if (timestamps === 'all') {
    const res = await runFfprobe(binaries.ffprobe, [
      '-v', 'error', '-hide_banner',
      '-select_streams', String(streamIndex),
      '-show_entries', 'packet=pts_time,flags',
      '-of', 'compact=p=0',
      path,
    ])
    if (res.code !== 0) throw new VideoError('corrupt', `Could not read the frame list of ${fileLabel(path)}.`, stderrTail(res.stderr))
    return parsePacketLines(res.stdout).filter((p) => (!keyOnly || p.key) && Number.isFinite(p.pts))
  }
  const select = keyOnly ? ["select='key'"] : []
  const res = await run(binaries.ffmpeg.path, [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
    '-copyts', '-i', path, '-map', '0:v:0',
    '-vf', [...select, 'scale=16:16', 'settb=AVTB', 'showinfo'].join(','),
    '-vsync', 'passthrough', '-f', 'null', '-',
  ])
  const shown = res.stderr.split(/\r?\n|\r/).map(parseShowinfo).filter((f) => f !== null)
  if (res.code !== 0 && !shown.length) throw new VideoError('corrupt', `Could not decode the frames of ${fileLabel(path)}.`, stderrTail(res.stderr))
  return shown
}
