/**
 * Colour look-up tables (pure, no DOM): 256 packed RGBA words per scale, so drawing a tile or a
 * patch layer looks colours up and never computes one (values become indices in levels.ts).
 *
 * Packing: the LUT words are for a Uint32Array view over ImageData bytes, which are [R, G, B, A]
 * in memory; on little-endian machines (every platform Electron and Chromium ship on) that word
 * is A<<24 | B<<16 | G<<8 | R.
 */

/** A colour stop: position in [0, 1] and 0..255 channels. */
export type Stop = readonly [pos: number, r: number, g: number, b: number]

export const packRgba = (r: number, g: number, b: number, a = 255): number => ((a << 24) | (b << 16) | (g << 8) | r) >>> 0

export const unpackRgba = (word: number): [number, number, number, number] => [word & 255, (word >>> 8) & 255, (word >>> 16) & 255, word >>> 24]

/** A 256-entry LUT interpolating linearly between `stops` (sorted by position, first at 0, last at 1). */
export function buildLut(stops: readonly Stop[], alpha = 255): Uint32Array {
  const lut = new Uint32Array(256)
  let s = 0
  for (let i = 0; i < 256; i++) {
    const p = i / 255
    while (s < stops.length - 2 && p > stops[s + 1][0]) s++
    const [p0, r0, g0, b0] = stops[s]
    const [p1, r1, g1, b1] = stops[Math.min(s + 1, stops.length - 1)]
    const f = p1 > p0 ? Math.min(1, Math.max(0, (p - p0) / (p1 - p0))) : 0
    lut[i] = packRgba(Math.round(r0 + f * (r1 - r0)), Math.round(g0 + f * (g1 - g0)), Math.round(b0 + f * (b1 - b0)), alpha)
  }
  return lut
}

/** Perceptually ordered, dark-background friendly (close to matplotlib's inferno). */
const INFERNO: readonly Stop[] = [
  [0, 0, 0, 4],
  [0.25, 87, 16, 110],
  [0.5, 188, 55, 84],
  [0.75, 249, 142, 9],
  [1, 252, 255, 164],
]

/** Sequential teal, for shares of tokens kept. */
const TEALS: readonly Stop[] = [
  [0, 12, 22, 34],
  [0.5, 24, 128, 140],
  [1, 170, 255, 220],
]

/** Amber, for a second method slot. */
const AMBERS: readonly Stop[] = [
  [0, 30, 18, 8],
  [0.5, 170, 100, 20],
  [1, 255, 220, 120],
]

export const LUTS = {
  inferno: buildLut(INFERNO),
  teal: buildLut(TEALS),
  amber: buildLut(AMBERS),
}

/** CSS colour of LUT entry `i`, for legends. */
export function cssOfLut(lut: Uint32Array, i: number): string {
  const [r, g, b] = unpackRgba(lut[Math.min(255, Math.max(0, Math.round(i)))])
  return `rgb(${r}, ${g}, ${b})`
}
