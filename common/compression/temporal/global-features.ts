import type { VideoTokens } from '../../tokens'
import { l2NormalizeRows, meanRows } from '../../tensor/vectors'
import type { ParamSpec } from '../types'

/** One feature per frame, for the methods that compare or rank whole frames. */
export type GlobalFeatureMode = 'auto' | 'cls' | 'mean'

export const globalFeatureParam: ParamSpec = {
  type: 'enum',
  default: 'auto',
  options: ['auto', 'cls', 'mean'],
  help: 'Frame-level feature: the class token (cls), the mean of the patch tokens (mean), or cls when the model has one (auto)',
}

/** One L2-normalised global feature per frame: [T] × [D]. */
export function globalFeatures(video: VideoTokens, mode: GlobalFeatureMode | string): Float32Array[] {
  const useCls = mode === 'cls' || (mode === 'auto' && !!video.cls)
  if (useCls && !video.cls) throw new Error('class token requested but the model has none')
  return video.tokens.map((x, t) => l2NormalizeRows(useCls ? video.cls![t] : meanRows(x, video.dim), video.dim))
}

/** Rows [T] × [D] packed into one [T·D] array (for prepared data). */
export function packRows(rows: Float32Array[]): Float32Array {
  const d = rows[0]?.length ?? 0
  const out = new Float32Array(rows.length * d)
  rows.forEach((r, t) => out.set(r, t * d))
  return out
}

/** The rows of a packed [T·D] array, as views: [T] × [D]. */
export const unpackRows = (packed: Float32Array, frames: number): Float32Array[] => {
  const d = frames ? packed.length / frames : 0
  return Array.from({ length: frames }, (_, t) => packed.subarray(t * d, (t + 1) * d))
}
