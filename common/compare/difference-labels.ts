import type { MetricLabel } from '../metrics/labels'
import type { DiffCategory, DifferenceMetrics } from './difference'

/** How each difference category reads in the legend: a short name and one sentence. */
export const CATEGORY_LABELS: Record<DiffCategory, { label: string; hint: string }> = {
  both: { label: 'kept by both', hint: 'Kept by A and by B, in the same group of patches' },
  groupedDifferently: { label: 'grouped differently', hint: 'Kept by both, but merged with other patches in A than in B' },
  aOnly: { label: 'A only', hint: 'Kept by A, pruned by B' },
  bOnly: { label: 'B only', hint: 'Kept by B, pruned by A' },
  neither: { label: 'neither', hint: 'Pruned by both' },
}

/** Every DifferenceMetrics key, labelled for the metrics table and the CLI (the compiler keeps it complete). */
export const DIFFERENCE_LABELS: Record<keyof DifferenceMetrics, MetricLabel> = {
  patchesBoth: { label: 'patches kept by both', hint: CATEGORY_LABELS.both.hint },
  patchesGroupedDifferently: { label: 'patches grouped differently', hint: CATEGORY_LABELS.groupedDifferently.hint },
  patchesAOnly: { label: 'patches A only', hint: CATEGORY_LABELS.aOnly.hint },
  patchesBOnly: { label: 'patches B only', hint: CATEGORY_LABELS.bOnly.hint },
  patchesNeither: { label: 'patches kept by neither', hint: CATEGORY_LABELS.neither.hint },
  disagreement: { label: 'disagreement', hint: 'Share of all patches that are grouped differently, or kept by one method only', unit: 'share' },
  framesAOnly: { label: 'frames A only', hint: 'Frames A keeps (some patch of) and B drops entirely' },
  framesBOnly: { label: 'frames B only', hint: 'Frames B keeps (some patch of) and A drops entirely' },
}
