import { videoMethod } from '../define'
import { assembleResult } from '../temporal/assemble'
import { cosineToQuery } from '../../text-relevance'

type Params = { logitScale: number; temperature: number }

/**
 * ppllava-pool: PPLLaVA's prompt-guided pooling (farewellthree/PPLLaVA
 * `LLaVACLIP3DMultiModalProjector.forward` and `weighted_adaptive_avg_pool3d_unfold`): every patch
 * of the video is weighted by its similarity to the question, and the video's T × h × w token
 * volume is pooled with those weights to a smaller volume.
 *
 * Shapes: tokens x [T][N, D], patchEmbeds E [T][N, P], query q [P] → O_T·O_H·O_W tokens [M, D] in
 * (t, h, w) raster order.
 * 1. w = softmax over all T·N patches of logitScale · cos(E_i, q) (CLIP's logit scale 100).
 * 2. Windows per axis from the output size O of an input size I (`get_size`): stride s = floor(I/O),
 *    kernel k = I − (O − 1)·s, window o covers [o·s, o·s + k) (windows tile the axis; they
 *    overlap by k − s).
 * 3. In each window, a = softmax(w / τ) over its patches (τ = `pooling_temp` 0.01) and the output
 *    token is Σ a_i x_i. (The double softmax is the reference's: w is global, a is per window.)
 *
 * Choices, where the reference does differently or leaves it open:
 * - The output size comes from the budget: the (O_T, O_H, O_W) with O ≤ I per axis and the largest
 *   product ≤ B; ties go to the per-axis reduction I/O closest (in log) to the reference's default
 *   kernel = stride = (2, 3, 3). budgetMode 'grid': tokensOut ≤ B.
 * - The pooled features are the vision tokens: the reference pools the LLaVA projector's outputs
 *   (weighted averaging commutes with its linear layers, not with its GELU).
 * - E: CLIP's last layer through its post-LayerNorm and projection (outputs.patchEmbeds); the
 *   reference uses the LLM's selected layer (the penultimate for its Vicuna models). The text tower
 *   is CLIP's 77-token one: PPLLaVA fine-tunes a 248-token CLIP text encoder.
 * - A long video is pooled as one volume (the reference pools one clip of 32 frames; its global
 *   softmax is over the whole input either way).
 * - The token map gives each patch the window whose stride cell holds it ([o·s, (o + 1)·s), the
 *   last one up to I); a patch in the overlap of two windows also weighs in the other's feature.
 * - SigLIP models: the reference's SigLIP variant needs per-patch embeddings from a modified
 *   pooling head, which the exports do not have; such models have no patchEmbeds and are refused.
 */
export const ppllavaPool = videoMethod<Params>({
  id: 'ppllava-pool',
  name: 'PPLLaVA prompt-guided pooling',
  family: 'prompt-guided',
  paper: {
    title: 'PPLLaVA: Varied Video Sequence Understanding With Prompt Guidance',
    authors: 'Ruyang Liu, Haoran Tang, Haibo Liu, Yixiao Ge, Ying Shan, Chen Li, Jiankun Yang',
    venue: 'arXiv 2024',
    url: 'https://arxiv.org/abs/2411.02327',
  },
  summary: 'Pools the video’s tokens over time and space, each window weighted towards the patches most similar to the query.',
  params: {
    logitScale: { type: 'number', default: 100, min: 1, max: 1000, step: 1, help: "Scale of the cosine before the global softmax (CLIP's logit scale)" },
    temperature: { type: 'number', default: 0.01, min: 0.0001, max: 10, step: 0.001, help: 'Temperature of the per-window softmax of the weights' },
  },
  needs: { textQuery: 'patch' },
  budgetMode: 'grid',
  apply(video, plan, params, ctx) {
    const { n, frames: T, tokens: want } = plan
    const { h, w } = video.grid
    const d = video.dim
    const [oT, oH, oW] = poolingShape([T, h, w], want)
    const weights = globalWeights(video.patchEmbeds!, ctx.query!.embedding, params.logitScale)
    const [wt, wh, ww] = [poolWindows(T, oT), poolWindows(h, oH), poolWindows(w, oW)]
    const m = oT * oH * oW
    const labels = new Int32Array(T * n)
    for (let t = 0; t < T; t++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) labels[t * n + y * w + x] = (wt.cellOf[t] * oH + wh.cellOf[y]) * oW + ww.cellOf[x]
    const features: Float32Array[] = []
    const frame = new Int32Array(m)
    const key = new Int32Array(m)
    for (let a = 0; a < oT; a++)
      for (let b = 0; b < oH; b++)
        for (let c = 0; c < oW; c++) {
          const id = (a * oH + b) * oW + c
          frame[id] = a * wt.stride
          key[id] = b * oW + c
          features[id] = pooledWindow(video.tokens, weights, d, w, [wt.window(a), wh.window(b), ww.window(c)], params.temperature)
        }
    return assembleResult(video, { labels, frame, key, features }, { derived: { outputShape: `${oT}×${oH}×${oW}`, kernel: `${wt.kernel}×${wh.kernel}×${ww.kernel}`, stride: `${wt.stride}×${wh.stride}×${ww.stride}` }, notes: [] })
  },
})

/** The reference's default kernel = stride per axis (time, height, width): the tie-breaker. */
const DEFAULT_FACTORS = [2, 3, 3]

/**
 * Output volume (O_T, O_H, O_W) for an input (T, h, w) and a budget: O ≤ I per axis, the largest
 * product ≤ budget; ties: per-axis reduction I/O closest in log to (2, 3, 3).
 */
export function poolingShape(input: [number, number, number], budget: number): [number, number, number] {
  const [T, h, w] = input
  let best: [number, number, number] = [1, 1, 1]
  let bestProduct = 1
  let bestMiss = Infinity
  const miss = (o: number[]) => o.reduce((s, v, i) => s + Math.log(input[i] / v / DEFAULT_FACTORS[i]) ** 2, 0)
  for (let a = 1; a <= T && a <= budget; a++)
    for (let b = 1; b <= h && a * b <= budget; b++)
      for (let c = Math.min(w, Math.floor(budget / (a * b))); c >= 1; c--) {
        const p = a * b * c
        if (p < bestProduct) break
        const m = miss([a, b, c])
        if (p > bestProduct || m < bestMiss) [best, bestProduct, bestMiss] = [[a, b, c], p, m]
      }
  return best
}

/** Step 2 for one axis: stride, kernel, each window's range, and each index's stride cell. */
export function poolWindows(size: number, out: number) {
  const stride = Math.floor(size / out)
  const kernel = size - (out - 1) * stride
  return {
    stride,
    kernel,
    window: (o: number): [number, number] => [o * stride, o * stride + kernel],
    cellOf: Int32Array.from({ length: size }, (_, i) => Math.min(out - 1, Math.floor(i / stride))),
  }
}

/** Step 1: softmax over all patches of the video of scale · cos(E_i, q) → [T][N]. */
function globalWeights(embeds: Float32Array[], q: Float32Array, scale: number): Float64Array[] {
  const logits = embeds.map((e) => Float64Array.from(cosineToQuery(e, q), (c) => scale * c))
  let max = -Infinity
  for (const l of logits) for (const v of l) max = Math.max(max, v)
  let total = 0
  for (const l of logits) for (let i = 0; i < l.length; i++) total += l[i] = Math.exp(l[i] - max)
  for (const l of logits) for (let i = 0; i < l.length; i++) l[i] /= total
  return logits
}

/** Step 3 for one window ([t0, t1) × [y0, y1) × [x0, x1)): Σ softmax(w/τ)_i x_i → [D]. */
function pooledWindow(tokens: Float32Array[], weights: Float64Array[], d: number, w: number, [[t0, t1], [y0, y1], [x0, x1]]: [number, number][], tau: number): Float32Array {
  let max = -Infinity
  for (let t = t0; t < t1; t++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) max = Math.max(max, weights[t][y * w + x] / tau)
  const out = new Float64Array(d)
  let total = 0
  for (let t = t0; t < t1; t++)
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const i = y * w + x
        const a = Math.exp(weights[t][i] / tau - max)
        total += a
        for (let k = 0; k < d; k++) out[k] += a * tokens[t][i * d + k]
      }
  return Float32Array.from(out, (v) => v / total)
}
