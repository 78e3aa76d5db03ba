import type { TokenMap } from '../token-map'

/**
 * Token density after VQToken (Zhang & Fu, NeurIPS 2025, §3.1.2 Eq. 2): TokDense = accuracy (%) /
 * tokens fed to the LLM, "information per retained token". The workbench has no task accuracy, so
 * its numerator is a PROXY, labelled as one everywhere it is shown: the all-patch fidelity in
 * percent. With a benchmark accuracy the paper's value is accuracy% / tokensOut (over a dataset:
 * mean accuracy / mean tokens per video).
 */

/**
 * All-patch fidelity: the mean over ALL T·N input patches of the cosine between the patch and what
 * stands for it — its output token when kept or merged (tokenFidelity), the nearest output token
 * of its stand-in frame when pruned (1 − coverage). Unlike tokenFidelity, which averages over
 * non-pruned patches only and is 1 for any pure pruning, it drops with every patch left out.
 */
export function allPatchFidelity(map: TokenMap, tokenFidelity: number, coverage: number): number {
  let kept = 0
  for (const g of map.groups) if (g >= 0) kept++
  const pruned = map.groups.length - kept
  return (kept * tokenFidelity + pruned * (1 - coverage)) / map.groups.length
}

/** The TokDense proxy: 100 · all-patch fidelity / output tokens (fidelity percent per token). */
export const tokDenseProxy = (allPatch: number, tokensOut: number): number => (100 * allPatch) / tokensOut
