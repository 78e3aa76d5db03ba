import { describe, expect, it } from 'vitest'
import { durationsVary, frameDurations, nominalRate, parsePacketLines, timeRange, timestampSource, type PacketTiming } from './stream-timing'

/** Packets of a 25 fps stream in read order; `timed(i)` says whether packet i keeps its timestamps. */
const stream = (count: number, timed: (i: number) => boolean, step = 0.04): PacketTiming[] =>
  Array.from({ length: count }, (_, i) => (timed(i) ? { pts: 10 + i * step, dts: 10 + i * step, key: i % 15 === 0 } : { pts: NaN, dts: NaN, key: i % 15 === 0 }))

describe('stream timing from packets', () => {
  it('parses ffprobe compact lines, with N/A and extra fields', () => {
    const text = 'pts_time=0.040000|dts_time=0.000000|flags=K_|\n\npts_time=N/A|dts_time=0.040000|flags=__\nside_data=x\n'
    expect(parsePacketLines(text)).toEqual([{ pts: 0.04, dts: 0, key: true }, { pts: NaN, dts: 0.04, key: false }])
  })

  it('spreads packets without timestamps evenly: a steady stream that mostly has none is constant-rate', () => {
    const sparse = stream(240, (i) => i % 15 === 0) // a timestamp on every 15th packet only
    const d = frameDurations(sparse)
    expect(d.length).toBe(225)
    for (const x of d) expect(x).toBeCloseTo(0.04, 9)
    expect(durationsVary(d)).toBe(false)
  })

  it('tells a genuinely variable rate', () => {
    const vfr: PacketTiming[] = [0, 0.04, 0.08, 0.2, 0.24, 0.4].map((t) => ({ pts: t, dts: t, key: false }))
    expect(durationsVary(frameDurations(vfr))).toBe(true)
  })

  it('uses sorted pts up to where later packets cannot come before, when there are no dts', () => {
    // B-frame order, cut off after the sample: the last packets arrive ahead of frames not yet read.
    const order = [0, 3, 1, 2, 6, 4, 5, 9, 7, 8].flatMap((k) => [k, k + 10, k + 20, k + 30]).slice(0, 38)
    const packets = order.map((k) => ({ pts: k * 0.04, dts: NaN, key: false }))
    expect(durationsVary(frameDurations(packets))).toBe(false)
  })

  it('gives the nominal rate the timestamps show when a steady stream states another', () => {
    const d = frameDurations(stream(100, (i) => i % 15 === 0))
    expect(nominalRate(50, d)).toBeCloseTo(25, 6)
    expect(nominalRate(25, d)).toBe(25)
    expect(nominalRate(0, d)).toBeCloseTo(25, 6)
    expect(nominalRate(60, [1 / 60, 1 / 60, 5 / 60, 2 / 60])).toBe(60) // variable: the stated rate stays
  })

  it('says where timestamps come from', () => {
    expect(timestampSource('mov,mp4,m4a,3gp,3g2,mj2', stream(10, () => true))).toBe('all')
    expect(timestampSource('mpeg', stream(10, (i) => i % 3 === 0))).toBe('partial')
    expect(timestampSource('mpegvideo', stream(10, () => true))).toBe('none')
  })

  it('spans the packets by pts, or dts where a packet has no pts', () => {
    expect(timeRange([{ pts: NaN, dts: 1, key: true }, { pts: 1.2, dts: 1.04, key: false }, { pts: NaN, dts: NaN, key: false }])).toEqual({ first: 1, last: 1.2 })
    expect(timeRange(stream(3, () => false))).toBeNull()
  })
})
