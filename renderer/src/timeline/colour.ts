/**
 * Colour scales (pure, no DOM). A scale is min/max over a whole video, computed once per data
 * change; values are quantised once to 0..255 and looked up in a 256-entry LUT of packed RGBA
 * words, so drawing a tile never computes a colour.
 *
 * Packing: the LUT words are for a Uint32Array view over ImageData bytes, which are [R, G, B, A]
 * in memory; on little-endian machines (every platform Electron and Chromium ship on) that word
 * is A<<24 | B<<16 | G<<8 | R.
 */

export interface Scale {
  min: number
  max: number
}

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
export const INFERNO: readonly Stop[] = [
  [0, 0, 0, 4],
  [0.25, 87, 16, 110],
  [0.5, 188, 55, 84],
  [0.75, 249, 142, 9],
  [1, 252, 255, 164],
]

/** Sequential teal, for shares of tokens kept. */
export const TEALS: readonly Stop[] = [
  [0, 12, 22, 34],
  [0.5, 24, 128, 140],
  [1, 170, 255, 220],
]

/** Amber, for a second method slot. */
export const AMBERS: readonly Stop[] = [
  [0, 30, 18, 8],
  [0.5, 170, 100, 20],
  [1, 255, 220, 120],
]

export const LUTS = {
  inferno: buildLut(INFERNO),
  teal: buildLut(TEALS),
  amber: buildLut(AMBERS),
}

/** Min and max over the first `count` finite values; {0, 0} when there are none. */
export function scaleOf(values: ArrayLike<number>, count = values.length): Scale {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < count; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max }
}

/** LUT index 0..255 of `v` on `scale`; a flat scale maps everything to 0, non-finite to 0. */
export function lutIndex(v: number, scale: Scale): number {
  const span = scale.max - scale.min
  if (!(span > 0) || !Number.isFinite(v)) return 0
  const f = (v - scale.min) / span
  return f <= 0 ? 0 : f >= 1 ? 255 : Math.round(f * 255)
}

/** Quantises the first `count` values to LUT indices [count] (reusing `out` when it is big enough). */
export function quantise(values: ArrayLike<number>, scale: Scale, count = values.length, out?: Uint8Array): Uint8Array {
  const q = out && out.length >= count ? out : new Uint8Array(count)
  for (let i = 0; i < count; i++) q[i] = lutIndex(values[i], scale)
  return q
}

/** CSS colour of LUT entry `i`, for legends. */
export function cssOfLut(lut: Uint32Array, i: number): string {
  const [r, g, b] = unpackRgba(lut[Math.min(255, Math.max(0, Math.round(i)))])
  return `rgb(${r}, ${g}, ${b})`
}

/**
 * A distinct colour per group id (golden-angle hue walk), as [r, g, b] 0..255; neighbouring ids
 * get far-apart hues so adjacent merged groups stay distinguishable.
 */
export function groupColour(id: number): [number, number, number] {
  const hue = (id * 137.508) % 360
  return hslToRgb(hue, 0.75, 0.6)
}

/** HSL (h in degrees, s and l in [0, 1]) to [r, g, b] 0..255. */
export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const c = (1 - Math.abs(2 * l - 1)) * s
  const hp = (((h % 360) + 360) % 360) / 60
  const x = c * (1 - Math.abs((hp % 2) - 1))
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x]
  const m = l - c / 2
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)]
}
