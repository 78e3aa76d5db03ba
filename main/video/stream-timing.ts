/**
 * What a video stream's own packets say about its timing, as opposed to what the container
 * states: frame rate, constant or variable, the time the frames span, and whether the timestamps
 * can be trusted after a seek. Pure functions over ffprobe's packet list (read order = decode order).
 */

/** One video packet as ffprobe lists it, in read order; NaN where the container stores no timestamp. */
export interface PacketTiming {
  pts: number
  dts: number
  key: boolean
}

/**
 * How far a stream's timestamps come from the file:
 * - all: every packet carries a presentation timestamp: times are the file's own, the same after a seek;
 * - partial: some packets carry none (MPEG program streams: a PTS only where a PES packet starts a
 *   frame): ffmpeg fills the gaps by guessing forward from the last known time, so a seek can give
 *   frames other times than decoding from the start does;
 * - none: a raw elementary stream: ffmpeg numbers the frames from the start at the nominal rate.
 */
export type TimestampSource = 'all' | 'partial' | 'none'

/**
 * Raw elementary-stream demuxers of libavformat (flag AVFMT_NOTIMESTAMPS): their timestamps are
 * made up while reading from the start, so no seek can land on a known time.
 */
const RAW_FORMATS = new Set(['h261', 'h263', 'h264', 'hevc', 'vvc', 'mpegvideo', 'm4v', 'cavsvideo', 'avs2', 'avs3', 'dirac', 'dnxhd', 'vc1', 'obu', 'mjpeg', 'mjpeg_2000', 'ingenient'])

/** Parses `-of compact=p=0` lines `pts_time=…|dts_time=…|flags=K_` (other fields and blank lines ignored). */
export function parsePacketLines(text: string): PacketTiming[] {
  const out: PacketTiming[] = []
  for (const line of text.split('\n')) {
    if (!line.includes('flags=')) continue
    let pts = NaN
    let dts = NaN
    let key = false
    for (const m of line.matchAll(/([a-z_]+)=([^|]*)/g)) {
      if (m[1] === 'pts_time') pts = toNumber(m[2])
      else if (m[1] === 'dts_time') dts = toNumber(m[2])
      else if (m[1] === 'flags') key = m[2].includes('K')
    }
    out.push({ pts, dts, key })
  }
  return out
}

export function timestampSource(formatName: string, packets: readonly PacketTiming[]): TimestampSource {
  if (formatName.split(',').some((f) => RAW_FORMATS.has(f))) return 'none'
  return packets.every((p) => Number.isFinite(p.pts)) ? 'all' : 'partial'
}

/**
 * Each frame's duration as the timestamps show it: between two packets k < j in read order that
 * both carry a decode timestamp, (dts_j − dts_k) / (j − k) for each of the j − k frames, so packets
 * without timestamps in between are spread evenly rather than read as gaps. Uses dts (monotonic in
 * read order, so a list cut off anywhere is complete); streams without dts use the sorted pts, up
 * to the last one that no later packet can come before (B-frames arrive ahead of their time).
 */
export function frameDurations(packets: readonly PacketTiming[]): number[] {
  const withDts = packets.filter((p) => Number.isFinite(p.dts)).length
  const out: number[] = []
  if (withDts >= 2 && withDts >= packets.length / 2) {
    let last = -1
    for (let j = 0; j < packets.length; j++) {
      if (!Number.isFinite(packets[j].dts)) continue
      if (last >= 0) {
        const gap = (packets[j].dts - packets[last].dts) / (j - last)
        for (let k = last; k < j; k++) out.push(gap)
      }
      last = j
    }
    return out.filter((g) => g > 1e-6)
  }
  const pts = packets.map((p) => p.pts).filter(Number.isFinite)
  const sorted = [...pts].sort((a, b) => a - b)
  // Reordering reaches a few frames at most: the last 16 read may still have earlier ones unread.
  const complete = pts.length > 32 ? Math.min(...pts.slice(-16)) : Infinity
  for (let i = 1; i < sorted.length && sorted[i] <= complete; i++) {
    const gap = sorted[i] - sorted[i - 1]
    if (gap > 1e-6) out.push(gap)
  }
  return out
}

/**
 * Variable frame rate when the frame durations vary by more than 1.5× (timestamps are printed to
 * the microsecond: that rounding is allowed for).
 */
export function durationsVary(durations: readonly number[]): boolean {
  if (!durations.length) return false
  const min = Math.min(...durations)
  const max = Math.max(...durations)
  return max > 1.5 * min + 2e-6
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * First and last presentation time of the listed frames (pts, or dts where a packet has no pts);
 * null when no packet has a timestamp.
 */
export function timeRange(packets: readonly PacketTiming[]): { first: number; last: number } | null {
  let first = Infinity
  let last = -Infinity
  for (const p of packets) {
    const t = Number.isFinite(p.pts) ? p.pts : p.dts
    if (!Number.isFinite(t)) continue
    first = Math.min(first, t)
    last = Math.max(last, t)
  }
  return Number.isFinite(first) ? { first, last } : null
}

function toNumber(s: string): number {
  const n = Number(s)
  return s.trim() && Number.isFinite(n) ? n : NaN
}
