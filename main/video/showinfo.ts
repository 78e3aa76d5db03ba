/**
 * ffmpeg's `showinfo` filter log: one line per frame on stderr. Every decode here ends its filter
 * chain in `settb=AVTB,showinfo`, so the integer pts is in microseconds and exact.
 */

export interface ShownFrame {
  /** Frame number at the showinfo filter (0, 1, ...). */
  n: number
  /** Presentation time (s), microsecond precision. */
  pts: number
  width: number
  height: number
  /** The decoder marked it a keyframe. */
  key: boolean
}

const SHOWINFO = /\sn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:\S+.*?\ss:(\d+)x(\d+)/
const ISKEY = /\siskey:(\d)/

/** The frame a showinfo line describes, or null for any other line. */
export function parseShowinfo(line: string): ShownFrame | null {
  const m = SHOWINFO.exec(line)
  if (!m) return null
  return { n: Number(m[1]), pts: Number(m[2]) / 1e6, width: Number(m[3]), height: Number(m[4]), key: ISKEY.exec(line)?.[1] === '1' }
}
