import type { Metrics } from './index'

/** How a metric reads in a table: its name for people, what it measures, and which way is better. */
export interface MetricLabel {
  label: string
  /** One sentence: what it measures (a tooltip). */
  hint: string
  better?: 'higher' | 'lower'
  /** share: a 0–1 value shown as a percentage; flops: shown in TFLOPs; speedup: shown as ×. */
  unit?: 'share' | 'flops' | 'speedup'
}

/** Every Metrics key, labelled: the compiler keeps this table complete. */
export const METRIC_LABELS: Record<keyof Metrics, MetricLabel> = {
  tokensIn: { label: 'tokens in', hint: 'T·N patch tokens of the sampled frames' },
  tokensOut: { label: 'tokens out', hint: 'Output tokens M an LLM would read' },
  ratio: { label: 'kept share', hint: 'tokens out / tokens in', unit: 'share' },
  framesIn: { label: 'frames in', hint: 'Sampled frames T' },
  keptFrames: { label: 'frames kept', hint: 'Frames contributing at least one patch to the output' },
  tokenFidelity: { label: 'token fidelity', hint: 'Mean cosine of each kept patch and the output token it went into', better: 'higher' },
  frameFidelity: { label: 'frame fidelity', hint: 'Mean cosine of each mean-pooled frame and the size-weighted mean of its output tokens', better: 'higher' },
  importanceRetained: { label: 'importance kept', hint: 'Mean per-frame importance mass on kept patches', better: 'higher', unit: 'share' },
  importanceKind: { label: 'importance kind', hint: "What 'importance kept' is measured on: the model's class attention, or the built-in saliency proxy" },
  coverage: { label: 'coverage distance', hint: 'Mean cosine distance of pruned patches to the nearest output token of their frame', better: 'lower' },
  allPatchFidelity: {
    label: 'all-patch fidelity',
    hint: 'Mean cosine of every input patch and what stands for it: its output token, or for a pruned patch the nearest output token of its frame',
    better: 'higher',
  },
  tokDenseProxy: {
    label: 'TokDense proxy (fidelity %/token)',
    hint: "A PROXY of VQToken's token density (TokDense = benchmark accuracy % / tokens to the LLM): no accuracy here, so 100 · all-patch fidelity / tokens out. Rewards extreme reduction; read it beside tokens out",
    better: 'higher',
  },
  spatialMeanRow: {
    label: 'kept mean row',
    hint: 'Mean vertical position of the output tokens: 0 % top, 50 % even, 100 % bottom (Feather: FastV keeps tokens 80.7 % of the way down); a merged token is spread over its patches',
    unit: 'share',
  },
  spatialMeanCol: { label: 'kept mean column', hint: 'Mean horizontal position of the output tokens: 0 % left, 50 % even or centred, 100 % right', unit: 'share' },
  spatialRowChi2: { label: 'row χ² vs even', hint: 'Chi-square of the output tokens per patch row against an even spread (df = rows − 1): larger is more concentrated in some rows' },
  spatialColChi2: { label: 'column χ² vs even', hint: 'Chi-square of the output tokens per patch column against an even spread (df = columns − 1)' },
  queryRelevanceRetained: { label: 'query relevance kept', hint: 'Share of the softmax query relevance on kept patches', better: 'higher', unit: 'share' },
  llm: { label: 'LLM (prefill)', hint: 'The LLM preset the prefill cost is estimated for' },
  textTokens: { label: 'text tokens', hint: 'Prompt tokens beside the visual ones in the prefill estimate' },
  prefillFlopsAll: { label: 'prefill, all tokens', hint: 'Estimated prefill FLOPs with every patch token', unit: 'flops' },
  prefillFlopsKept: { label: 'prefill, kept tokens', hint: 'Estimated prefill FLOPs with the output tokens', better: 'lower', unit: 'flops' },
  prefillSpeedup: { label: 'prefill speed-up', hint: 'prefill, all tokens / prefill, kept tokens', better: 'higher', unit: 'speedup' },
  temporalPrecision: { label: 'keyframe precision', hint: "Method keyframes within ±δ of a hand annotation (LV-Haystack's P)", better: 'higher' },
  temporalRecall: { label: 'keyframe recall', hint: 'Hand annotations within ±δ of a method keyframe', better: 'higher' },
  temporalF1: { label: 'keyframe F1', hint: 'Harmonic mean of keyframe precision and recall', better: 'higher' },
  deltaSeconds: { label: 'δ (s)', hint: 'Tolerance of the keyframe scores' },
  keyframesPredicted: { label: 'keyframes (method)', hint: 'Keyframes the method selected' },
  keyframesAnnotated: { label: 'keyframes (annotated)', hint: 'Hand-annotated keyframes' },
}

export const metricLabel = (key: string): MetricLabel | undefined => (Object.hasOwn(METRIC_LABELS, key) ? METRIC_LABELS[key as keyof Metrics] : undefined)
