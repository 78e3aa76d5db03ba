import { frameSelectionMethod } from '../define'

export interface UniformFramesParams {
  [key: string]: string
  spread: 'linspace' | 'centres'
}

/**
 * The F frames (ascending, distinct) kept out of T. 'linspace' is np.linspace(0, T−1, F) truncated
 * to integers (the uniform sampling of LLaVA-Video / LLaVA-OneVision: first and last frame kept);
 * 'centres' takes the centre frame of F equal segments, floor((i + ½)·T/F).
 */
export function uniformFrameIndices(T: number, F: number, spread: 'linspace' | 'centres'): Int32Array {
  const f = Math.max(0, Math.min(F, T))
  if (spread === 'centres') return Int32Array.from({ length: f }, (_, i) => Math.floor(((i + 0.5) * T) / f))
  if (f === 1) return Int32Array.of(0)
  return Int32Array.from({ length: f }, (_, i) => Math.floor((i * (T - 1)) / (f - 1)))
}

/**
 * uniform-frames: keep every k-th sampled frame with all its tokens, k ≈ T/F.
 *
 * Shapes: allocation [T] tokens per frame, each 0 or N except one.
 * Choices: for a budget of M tokens (N per frame) F = ceil(M/N) frames are kept, spread by
 * uniformFrameIndices; every kept frame gets all N tokens except the last kept one, which gets
 * M − (F−1)·N, so the budget is hit exactly. Run on its own, that partial frame keeps evenly
 * strided patches (stridedPatches); in a composition `uniform-frames+X` the spatial stage X picks them.
 */
export const uniformFrames = frameSelectionMethod<UniformFramesParams>({
  id: 'uniform-frames',
  name: 'Uniform frames',
  family: 'baseline',
  paper: {
    title: 'Video Instruction Tuning With Synthetic Data (LLaVA-Video; uniform frame sampling)',
    authors: 'Yuanhan Zhang, Jinming Wu, Wei Li, Bo Li, Zejun Ma, Ziwei Liu, Chunyuan Li',
    venue: 'arXiv 2024',
    url: 'https://arxiv.org/abs/2410.02713',
  },
  summary: 'Keeps evenly spaced frames with all their tokens.',
  params: {
    spread: {
      type: 'enum',
      default: 'linspace',
      options: ['linspace', 'centres'],
      help: 'linspace: first and last frame included (LLaVA-Video); centres: the centre frame of each of F equal segments',
    },
  },
  needs: {},
  budgetMode: 'exact',
  allocate(_video, plan, params) {
    const { n, frames: T, tokens: want } = plan
    const F = Math.ceil(want / n)
    const perFrame = new Int32Array(T)
    const frames = uniformFrameIndices(T, F, params.spread)
    frames.forEach((t, i) => (perFrame[t] = i < F - 1 ? n : want - (F - 1) * n))
    const step = F > 1 ? (params.spread === 'linspace' ? (T - 1) / (F - 1) : T / F) : T
    return { perFrame, derived: { frames: F, step: Number(step.toFixed(3)) }, notes: [] }
  },
})
