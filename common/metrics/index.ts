import type { ImportanceKind, VideoTokens } from '../tokens'
import type { MethodResult } from '../compression/types'
import { coverage, featuresMatch, frameFidelity, tokenFidelity } from './fidelity'
import { DEFAULT_LLM, DEFAULT_TEXT_TOKENS, prefillEstimate } from './prefill'
import { importanceRetained, queryRelevanceRetained } from './retention'
import { keyframeMetrics, methodKeyframes } from './temporal'
import { spatialBias } from './spatial-bias'
import { allPatchFidelity, tokDenseProxy } from './token-density'

export * from './fidelity'
export * from './heat'
export * from './prefill'
export * from './retention'
export * from './spatial-bias'
export * from './temporal'
export * from './token-density'

/**
 * Every metric a comparison shows, for one method result on one video: one flat record (a table
 * row, JSON-safe). A metric whose inputs are missing (no features, no importance, no query, no
 * annotations) is left out, never NaN. Definitions live with each function (fidelity.ts,
 * retention.ts, prefill.ts, temporal.ts).
 */
export type Metrics = {
  /** T·N input patch tokens. */
  tokensIn: number
  /** M output tokens. */
  tokensOut: number
  /** tokensOut / tokensIn. */
  ratio: number
  framesIn: number
  /** Frames that contribute at least one patch to the output. */
  keptFrames: number
  /** Mean cosine, over non-pruned patches, of the patch and its output token (tokenFidelity). */
  tokenFidelity?: number
  /** Mean over frames of cosine(mean-pooled frame, size-weighted mean of its stand-in output tokens) (frameFidelity). */
  frameFidelity?: number
  /** Mean per-frame importance share on non-pruned patches (importanceRetained), of kind `importanceKind`. */
  importanceRetained?: number
  importanceKind?: ImportanceKind
  /** Mean cosine distance of pruned patches to the nearest output token of their stand-in frame; lower is better (coverage). */
  coverage?: number
  /** Mean over all input patches of the cosine to what stands for it (allPatchFidelity). */
  allPatchFidelity?: number
  /** 100 · allPatchFidelity / tokensOut: a proxy of VQToken's TokDense (accuracy % per token), no accuracy here (token-density.ts). */
  tokDenseProxy?: number
  /** Mean normalised row (0 top … 1 bottom) and column of the output tokens, and χ² of their rows / columns against an even spread (spatial-bias.ts). */
  spatialMeanRow?: number
  spatialMeanCol?: number
  spatialRowChi2?: number
  spatialColChi2?: number
  /** Share of the softmax query relevance on non-pruned patches (queryRelevanceRetained). */
  queryRelevanceRetained?: number
  /** Prefill estimate (prefill.ts): LLM preset, text tokens, FLOPs with all / kept visual tokens, and their ratio. */
  llm: string
  textTokens: number
  prefillFlopsAll: number
  prefillFlopsKept: number
  prefillSpeedup: number
  /** Keyframes (methodKeyframes) against hand annotations within ±deltaSeconds (temporalScore). */
  temporalPrecision?: number
  temporalRecall?: number
  temporalF1?: number
  deltaSeconds?: number
  keyframesPredicted?: number
  keyframesAnnotated?: number
}

export interface MetricsOptions {
  /** LLM preset id for the prefill estimate (default qwen2-7b). */
  llm?: string
  /** Text tokens in the prompt beside the visual ones (default 64). */
  textTokens?: number
  /** The query's unit text embedding, in the space of VideoTokens.patchEmbeds / frameEmbeds. */
  query?: Float32Array
  /** Hand-annotated keyframe times (seconds). */
  annotations?: number[]
  /** Tolerance for temporal P/R/F1 (default 5 s, LV-Haystack's). */
  deltaSeconds?: number
}

export function computeMetrics(video: VideoTokens, result: MethodResult, opts: MetricsOptions = {}): Metrics {
  const { map, features } = result
  const tokensIn = map.frameCount * map.grid.h * map.grid.w
  const tokensOut = map.tokenSizes.length
  const prefill = prefillEstimate(tokensIn, tokensOut, opts.llm ?? DEFAULT_LLM, opts.textTokens ?? DEFAULT_TEXT_TOKENS)
  const out: Metrics = {
    tokensIn,
    tokensOut,
    ratio: tokensIn ? tokensOut / tokensIn : 0,
    framesIn: map.frameCount,
    keptFrames: map.keptFrames.reduce((a, k) => a + k, 0),
    llm: prefill.llm,
    textTokens: prefill.textTokens,
    prefillFlopsAll: prefill.flopsAll,
    prefillFlopsKept: prefill.flopsKept,
    prefillSpeedup: prefill.speedup,
  }
  if (featuresMatch(video, map, features)) {
    out.tokenFidelity = tokenFidelity(video, map, features)
    out.frameFidelity = frameFidelity(video, map, features)
    out.coverage = coverage(video, map, features)
    if (out.tokenFidelity !== undefined && out.coverage !== undefined) {
      out.allPatchFidelity = allPatchFidelity(map, out.tokenFidelity, out.coverage)
      out.tokDenseProxy = tokDenseProxy(out.allPatchFidelity, tokensOut)
    }
  }
  const bias = spatialBias(map)
  if (bias) {
    out.spatialMeanRow = bias.meanRow
    out.spatialMeanCol = bias.meanCol
    out.spatialRowChi2 = bias.rowChi2
    out.spatialColChi2 = bias.colChi2
  }
  const importance = importanceRetained(video, map)
  if (importance) {
    out.importanceRetained = importance.value
    out.importanceKind = importance.kind
  }
  if (opts.query) out.queryRelevanceRetained = queryRelevanceRetained(video, map, opts.query)
  if (opts.annotations) Object.assign(out, keyframeMetrics(video.pts, methodKeyframes(result), opts.annotations, opts.deltaSeconds))
  // Drop keys whose metric came out undefined so the record stays JSON-clean.
  for (const k of Object.keys(out) as (keyof Metrics)[]) if (out[k] === undefined) delete out[k]
  return out
}
