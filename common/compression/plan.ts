/** The budget resolved once (types.ts VideoPlan): the only place a Budget becomes a token count. */
import { frameCount, patchCount, type VideoTokens } from '../tokens'
import type { Budget, VideoPlan } from './types'

/** The plan for T = `frames` frames of N = `n` patches: tokens = round(ratio·T·N) or the absolute count, within [1, T·N]. */
export function planVideo(n: number, frames: number, budget: Budget): VideoPlan {
  const input = frames * n
  const raw = 'ratio' in budget ? Math.round(budget.ratio * input) : Math.round(budget.tokens)
  return { n, frames, tokens: Math.min(input, Math.max(1, raw)) }
}

/** The plan for `video`. */
export const planOf = (video: VideoTokens, budget: Budget): VideoPlan => planVideo(patchCount(video.grid), frameCount(video), budget)
