/**
 * The timeline rows of the A/B comparison: per frame the share of patches on which A and B
 * disagree (for methods that keep whole frames: 1 where only one of them keeps the frame), and a
 * marker row per frame-selecting method showing the frames it kept.
 */
import { computed } from 'vue'
import { SLOT_IDS, useMethodsStore, type SlotId } from '../stores/methods'
import { useCompareStore } from '../stores/compare'
import { shareLevels } from '../colour/levels'
import { SLOT_LUTS } from '../colour/slots'
import { DIFFERENCE_LUT } from '../colour/difference'
import type { HeatRow } from '../timeline/renderer'

export interface CompareRow {
  id: string
  label: string
  help: string
  lut: Uint32Array
  heat: HeatRow | null
}

export function useCompareRows() {
  const methods = useMethodsStore()
  const compare = useCompareStore()

  const disagreementLevels = computed(() => (compare.difference ? shareLevels(compare.difference.disagreement) : null))
  /** Per slot whose method selects frames: 255 where it kept the frame, 0 where it dropped it. */
  const keptLevels = computed(() =>
    Object.fromEntries(
      SLOT_IDS.map((id) => {
        const s = methods.slots[id]
        const selects = methods.stagesOf(s)[0]?.kind === 'frame-selection'
        return [id, selects && s.result ? s.result.map.keptFrames.map((k) => (k ? 255 : 0)) : null]
      }),
    ) as Record<SlotId, Uint8Array | null>,
  )

  return computed<CompareRow[]>(() => {
    const rows: CompareRow[] = []
    const d = disagreementLevels.value
    if (d) {
      const frameSelection = SLOT_IDS.every((id) => keptLevels.value[id])
      rows.push({
        id: 'difference',
        label: frameSelection ? 'A ≠ B (selected by one only)' : 'A ≠ B',
        help: 'Share of each frame’s patches on which A and B disagree: grouped differently or kept by one only (square-root scale); D / Shift+D jump to where it is highest',
        lut: DIFFERENCE_LUT,
        heat: { id: 'difference', levels: d, count: d.length, lut: DIFFERENCE_LUT, aggregate: 'max' },
      })
    }
    for (const id of SLOT_IDS) {
      const levels = keptLevels.value[id]
      if (!levels) continue
      const side = id.toUpperCase()
      rows.push({ id: `kept-${id}`, label: `${side} · kept frames`, help: `The frames method ${side} keeps (it drops the others whole)`, lut: SLOT_LUTS[id], heat: { id: `kept-${id}`, levels, count: levels.length, lut: SLOT_LUTS[id], aggregate: 'max' } })
    }
    return rows
  })
}
