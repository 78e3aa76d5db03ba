/**
 * Colours of the difference overlay's categories (pure): A only in A's teal, B only in B's amber,
 * grouped differently in magenta, pruned by both dimmed, kept by both left clear (the frame shows
 * through where the methods agree).
 */
import { DIFF_CATEGORIES, type DiffCategory } from '../../../common/compare/difference'
import { buildLut, packRgba } from './lut'

/** [r, g, b, alpha at full opacity] per category. */
export const DIFFERENCE_COLOURS: Record<DiffCategory, readonly [number, number, number, number]> = {
  both: [0, 0, 0, 0],
  groupedDifferently: [214, 80, 214, 210],
  aOnly: [63, 193, 176, 220],
  bOnly: [224, 160, 64, 220],
  neither: [0, 0, 0, 200],
}

/** Packed RGBA words per category number (DIFF_CATEGORIES order) at overlay `opacity` (0–1). */
export const differenceWords = (opacity: number): Uint32Array =>
  Uint32Array.from(DIFF_CATEGORIES, (c) => {
    const [r, g, b, a] = DIFFERENCE_COLOURS[c]
    return packRgba(r, g, b, Math.round(a * opacity))
  })

/** CSS colour of a category's legend swatch (as drawn at full opacity; kept-by-both shows as an outline). */
export function differenceCss(c: DiffCategory): string {
  const [r, g, b, a] = DIFFERENCE_COLOURS[c]
  return `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(2)})`
}

/** The timeline's difference row: from near-black (A and B agree) to the grouped-differently magenta (they disagree on every patch). */
export const DIFFERENCE_LUT = buildLut([
  [0, 20, 12, 26],
  [1, 236, 110, 236],
])
