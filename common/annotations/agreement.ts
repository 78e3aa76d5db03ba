/**
 * Agreement between two annotators of the same video: LV-Haystack's temporal precision, recall
 * and F1 within ±δ seconds (../metrics/temporal.ts) between the keyframes of two sets, the first
 * taken as the reference: precision = share of the second set's keyframes within δ of one of the
 * first's, recall = the other way round. Segments are not compared (the measure is about frames).
 */
import { DEFAULT_DELTA_SECONDS, temporalScore, type TemporalScore } from '../metrics/temporal'
import type { AnnotationSet } from './model'

export interface Agreement extends TemporalScore {
  reference: string
  compared: string
  delta: number
  referenceKeyframes: number
  comparedKeyframes: number
}

/** Undefined when either set has no keyframe (nothing to compare, as LV-Haystack skips such videos). */
export function setAgreement(reference: AnnotationSet, compared: AnnotationSet, delta = DEFAULT_DELTA_SECONDS): Agreement | undefined {
  const score = temporalScore(
    compared.keyframes.map((k) => k.pts),
    reference.keyframes.map((k) => k.pts),
    delta,
  )
  if (!score) return undefined
  return { ...score, reference: reference.name, compared: compared.name, delta, referenceKeyframes: reference.keyframes.length, comparedKeyframes: compared.keyframes.length }
}

export { DEFAULT_DELTA_SECONDS }
