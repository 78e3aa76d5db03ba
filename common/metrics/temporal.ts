import type { MethodResult } from '../compression/types'
import type { Metrics } from './index'

/**
 * Temporal precision / recall / F1 of predicted keyframe times against annotated ones, as
 * LV-Haystack scores keyframe search (mll-lab-nu/TStar, val_tstar_results.py `calculate_prf`):
 * a prediction counts when some annotation lies within ±δ seconds of it (|p − a| ≤ δ), an
 * annotation counts when some prediction lies within ±δ; F1 = 2PR/(P+R) (0 when P+R = 0) per
 * video, not scored when the video has no predictions or no annotations (the reference skips such
 * videos when it averages over a benchmark). LV-Haystack's default δ is 5 s.
 */

export const DEFAULT_DELTA_SECONDS = 5

export interface TemporalScore {
  precision: number
  recall: number
  f1: number
}

/** Share of `from` with some element of `to` within ±delta. */
function hitRate(from: ArrayLike<number>, to: ArrayLike<number>, delta: number): number {
  let hits = 0
  for (let i = 0; i < from.length; i++) {
    for (let j = 0; j < to.length; j++) {
      if (Math.abs(from[i] - to[j]) <= delta) {
        hits++
        break
      }
    }
  }
  return hits / from.length
}

/** One video's score (seconds in, any order); undefined when either list is empty (not scored). */
export function temporalScore(predicted: ArrayLike<number>, annotated: ArrayLike<number>, delta = DEFAULT_DELTA_SECONDS): TemporalScore | undefined {
  if (!predicted.length || !annotated.length) return undefined
  const precision = hitRate(predicted, annotated, delta)
  const recall = hitRate(annotated, predicted, delta)
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
  return { precision, recall, f1 }
}

/** What methodKeyframes reads of a result. */
export type KeyframeSource = { report: Pick<MethodResult['report'], 'keyframes'>; map: Pick<MethodResult['map'], 'keptFrames'> }

/**
 * The method's keyframes as sampled-frame indices: those it reports explicitly
 * (report.keyframes), else every frame its map keeps.
 */
export function methodKeyframes(result: KeyframeSource): number[] {
  if (result.report.keyframes) return [...result.report.keyframes]
  const out: number[] = []
  result.map.keptFrames.forEach((k, t) => k && out.push(t))
  return out
}

/** The keyframe metrics of a result against annotated times (seconds) within ±delta. */
export type KeyframeMetrics = Required<Pick<Metrics, 'temporalPrecision' | 'temporalRecall' | 'temporalF1' | 'deltaSeconds' | 'keyframesPredicted' | 'keyframesAnnotated'>>

/**
 * Keyframes (sampled-frame indices, e.g. methodKeyframes) at the frames' pts, scored against
 * annotated times: the one scoring that the metrics, the compare view (any annotation set, any δ,
 * no re-run) and sweeps use. Undefined when not scored (no keyframes or no annotations, see temporalScore).
 */
export function keyframeMetrics(pts: ArrayLike<number>, keyframes: ArrayLike<number>, annotated: ArrayLike<number>, delta = DEFAULT_DELTA_SECONDS): KeyframeMetrics | undefined {
  const predicted = Array.from(keyframes, (t) => pts[t])
  const score = temporalScore(predicted, annotated, delta)
  if (!score) return undefined
  return {
    temporalPrecision: score.precision,
    temporalRecall: score.recall,
    temporalF1: score.f1,
    deltaSeconds: delta,
    keyframesPredicted: predicted.length,
    keyframesAnnotated: annotated.length,
  }
}
