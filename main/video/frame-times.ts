/**
 * Presentation times of a video's frames and keyframes, the same times a full decode gives them.
 *
 * Where every packet carries its timestamp (ProbeDetails.timestamps 'all') the packets are listed
 * with ffprobe without decoding (fast even for hour-long files). Where some or all do not (raw
 * elementary streams, MPEG program streams with sparse PTS), a packet list would leave those frames
 * out or give them no time at all: the frames are decoded (tiny, then dropped) and their times
 * taken from ffmpeg, as decodeFrames would give them.
 */
import { resolveBinaries, type Binaries } from './binaries'
import { VideoError, fileLabel, stderrTail } from './errors'
import { probeDetails, runFfprobe } from './probe'
import { run } from './run'
import { parseShowinfo } from './showinfo'
import { parsePacketLines } from './stream-timing'

/** Presentation times (s, ascending) of the keyframes: the frames `decodeKeyframes` returns. */
export function listKeyframes(path: string, opts: { binaries?: Binaries } = {}): Promise<Float64Array> {
  return listFrameTimes(path, true, opts.binaries)
}

/** Presentation times (s, ascending) of every frame of the video stream. */
export function listFramePts(path: string, opts: { binaries?: Binaries } = {}): Promise<Float64Array> {
  return listFrameTimes(path, false, opts.binaries)
}

async function listFrameTimes(path: string, keyOnly: boolean, given?: Binaries): Promise<Float64Array> {
  const binaries = given ?? (await resolveBinaries())
  const { streamIndex, timestamps } = await probeDetails(path, { binaries })
  const times: number[] = []
  if (timestamps === 'all') {
    const res = await runFfprobe(binaries.ffprobe, [
      '-v', 'error', '-hide_banner',
      '-select_streams', String(streamIndex),
      '-show_entries', 'packet=pts_time,flags',
      '-of', 'compact=p=0',
      path,
    ])
    if (res.code !== 0) throw new VideoError('corrupt', `Could not read the frame list of ${fileLabel(path)}.`, stderrTail(res.stderr))
    for (const p of parsePacketLines(res.stdout)) if ((!keyOnly || p.key) && Number.isFinite(p.pts)) times.push(p.pts)
  } else {
    const select = keyOnly ? ["select='key'"] : []
    const res = await run(binaries.ffmpeg.path, [
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
      '-copyts', '-i', path, '-map', '0:v:0',
      '-vf', [...select, 'scale=16:16', 'settb=AVTB', 'showinfo'].join(','),
      '-vsync', 'passthrough', '-f', 'null', '-',
    ])
    const shown = res.stderr.split(/\r?\n|\r/).map(parseShowinfo).filter((f) => f !== null)
    if (res.code !== 0 && !shown.length) throw new VideoError('corrupt', `Could not decode the frames of ${fileLabel(path)}.`, stderrTail(res.stderr))
    for (const f of shown) times.push(f.pts)
  }
  return Float64Array.from(times).sort()
}
