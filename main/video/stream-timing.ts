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
 * Each frame's duration as the timestamps show it. Decode timestamps (monotonic in read order, so a
 * list cut off anywhere is complete) between two packets k < j that carry one: (dts_j − dts_k) /
 * (j − k) for each of the j − k frames, so packets without timestamps in between are spread evenly
 * rather than read as long gaps. Without dts: the gaps of the sorted pts when every packet has one,
 * up to the last pts no later packet can come before (B-frames arrive ahead of their time); when
 * only some have one, reordering makes single gaps meaningless: one average duration, first to
 * last timed packet.
 */
export function frameDurations(packets: readonly PacketTiming[]): number[] {
  const out: number[] = []
  const dtsAt = packets.flatMap((p, i) => (Number.isFinite(p.dts) ? [i] : []))
  if (dtsAt.length >= 2) {
    for (let q = 1; q < dtsAt.length; q++) {
      const [k, j] = [dtsAt[q - 1], dtsAt[q]]
      const gap = (packets[j].dts - packets[k].dts) / (j - k)
      for (let f = k; f < j; f++) out.push(gap)
    }
    return out.filter((g) => g > 1e-6)
  }
  const ptsAt = packets.flatMap((p, i) => (Number.isFinite(p.pts) ? [i] : []))
  const pts = ptsAt.map((i) => packets[i].pts)
  if (ptsAt.length < packets.length) {
    if (ptsAt.length < 2) return []
    const span = (Math.max(...pts) - Math.min(...pts)) / (ptsAt[ptsAt.length - 1] - ptsAt[0])
    return span > 1e-6 ? [span] : []
  }
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

/**
 * The nominal frame rate: the stated one (r_frame_rate), unless the stream is constant-rate and its
 * timestamps show another rate by more than 1 % (MPEG streams state twice theirs when timestamps
 * are sparse): then the rate the timestamps show. A variable-rate stream keeps the stated rate.
 */
export function nominalRate(stated: number, durations: readonly number[]): number {
  const frame = median(durations)
  if (durationsVary(durations) || !(frame > 0)) return stated
  return Math.abs(stated * frame - 1) <= 0.01 ? stated : 1 / frame
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
