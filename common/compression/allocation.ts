/** How a token count is split: over frames (evenly or by weight) and over a frame's patches (by stride). */

/**
 * Splits `total` tokens over `frames` frames as evenly as possible: floor(total/frames) each and
 * one more for the first total mod frames frames; no frame gets more than `cap`.
 */
export function splitEvenly(total: number, frames: number, cap: number): Int32Array {
  const out = new Int32Array(frames)
  const base = Math.floor(total / frames)
  const extra = total - base * frames
  for (let t = 0; t < frames; t++) out[t] = Math.min(cap, base + (t < extra ? 1 : 0))
  return out
}

/**
 * Splits `total` over items in proportion to `weights`, each item at most `cap[i]`, summing exactly
 * to min(total, Σcap): floors first, then the largest remainders (lower index first on ties);
 * what a capped item cannot take goes to the others. weights ≥ 0.
 */
export function allocateByWeights(weights: ArrayLike<number>, total: number, cap: ArrayLike<number> | number): Int32Array {
  const n = weights.length
  const capOf = (i: number) => (typeof cap === 'number' ? cap : cap[i])
  const out = new Int32Array(n)
  const frac = new Float64Array(n)
  let left = total
  while (left > 0) {
    const open: number[] = []
    let wsum = 0
    for (let i = 0; i < n; i++) {
      if (out[i] < capOf(i)) {
        open.push(i)
        wsum += weights[i]
      }
    }
    if (!open.length) break
    let given = 0
    for (const i of open) {
      const ideal = wsum > 0 ? (left * weights[i]) / wsum : left / open.length
      const room = capOf(i) - out[i]
      const take = Math.min(Math.floor(ideal), room)
      out[i] += take
      given += take
      frac[i] = take < room ? ideal - Math.floor(ideal) : -1
    }
    left -= given
    const byRemainder = open.filter((i) => frac[i] >= 0).sort((p, q) => frac[q] - frac[p] || p - q)
    for (const i of byRemainder) {
      if (left <= 0) break
      out[i]++
      left--
    }
  }
  return out
}

/**
 * `keep` of a frame's N patches spread evenly over its raster order, ascending: all N when keep ≥ N,
 * else the centre of each of keep equal strides, i = floor((j + ½)·N/keep). What a frame keeps when
 * no spatial stage picks its tokens.
 */
export function stridedPatches(n: number, keep: number): Int32Array {
  const m = Math.min(n, keep)
  const out = new Int32Array(m)
  for (let j = 0; j < m; j++) out[j] = Math.floor(((j + 0.5) * n) / m)
  return out
}
