/** Colours of annotation labels (pure): one per palette position, the same in the rows and the list. */
import { hslToRgb } from './groups'

/** Unlabelled items. */
export const UNLABELLED = '#c9d1de'

/** CSS colour of palette label `index` (0-based); UNLABELLED for -1. */
export function labelColour(index: number): string {
  if (index < 0) return UNLABELLED
  const [r, g, b] = hslToRgb((index * 137.508 + 20) % 360, 0.7, 0.6)
  return `rgb(${r}, ${g}, ${b})`
}
