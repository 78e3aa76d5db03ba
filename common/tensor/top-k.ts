/**
 * Ranking kernels: indices ordered by value. Equal values keep the lower index first, so every
 * result is deterministic (torch.topk and torch.sort leave the order of ties unspecified; the
 * methods that rank say so in their doc comments).
 */

/** Indices of the k largest values, largest first; equal values keep the lower index first. values [N] → [min(k, N)]. */
export function topK(values: ArrayLike<number>, k: number): Int32Array {
  return firstK(values, k, (a, b) => values[b] - values[a] || a - b)
}

/** Indices of the k smallest values, smallest first; equal values keep the lower index first. values [N] → [min(k, N)]. */
export function bottomK(values: ArrayLike<number>, k: number): Int32Array {
  return firstK(values, k, (a, b) => values[a] - values[b] || a - b)
}

function firstK(values: ArrayLike<number>, k: number, order: (a: number, b: number) => number): Int32Array {
  const ranked = Int32Array.from({ length: values.length }, (_, i) => i).sort(order)
  return ranked.slice(0, Math.max(0, Math.min(k, values.length)))
}
