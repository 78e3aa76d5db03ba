/** Colours of merged token groups in the frame overlay (pure). */

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
