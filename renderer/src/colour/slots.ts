/** The colour scale of each method slot: A teal, B amber (heat rows, kept-frame markers). */
import type { SlotId } from '../stores/methods'
import { LUTS } from './lut'

export const SLOT_LUTS: Record<SlotId, Uint32Array> = { a: LUTS.teal, b: LUTS.amber }
