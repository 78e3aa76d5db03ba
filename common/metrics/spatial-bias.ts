import type { TokenMap } from '../token-map'

/**
 * Where on the patch grid a method's output tokens come from: the Feather paper's analysis of
 * pruning's positional bias (Endo et al., ICCV 2025, §3.3: "80.7 % of the way down the image" for
 * FastV, and a chi-square test of the kept tokens' rows against uniform), with columns added.
 *
 * A token counts once: each of its source patches weighs 1/size (so pure pruning counts kept
 * patches, as the paper does, and a merged token is spread over the patches it covers — the
 * project's choice, the paper only prunes). Pruned patches weigh 0. Summed over every frame.
 */
export interface SpatialBias {
  /** [h] share of the tokens per patch row (sums to 1). */
  rowShare: Float64Array
  /** [w] share per patch column. */
  colShare: Float64Array
  /** Mean of (y + ½)/h over the tokens: 0.5 is an even spread, towards 1 the bottom. */
  meanRow: number
  /** Mean of (x + ½)/w: 0.5 is centred, towards 1 the right. */
  meanCol: number
  /** Σ_y (O_y − E)² / E with O_y = tokens per row and E = tokens / h; df = h − 1. Fractional counts with merging. */
  rowChi2: number
  /** The same over columns; df = w − 1. */
  colChi2: number
}

/** Chi-square statistic of the counts `mass` against an even spread of their total. */
function chiSquare(mass: Float64Array, total: number): number {
  const expected = total / mass.length
  return mass.reduce((s, o) => s + (o - expected) ** 2 / expected, 0)
}

/** The spatial bias of a TokenMap; undefined when it has no output token. */
export function spatialBias(map: TokenMap): SpatialBias | undefined {
  const { h, w } = map.grid
  const n = h * w
  const rows = new Float64Array(h)
  const cols = new Float64Array(w)
  let total = 0
  map.groups.forEach((g, k) => {
    if (g < 0) return
    const weight = 1 / map.tokenSizes[g]
    const i = k % n
    rows[Math.floor(i / w)] += weight
    cols[i % w] += weight
    total += weight
  })
  if (!(total > 0)) return undefined
  const rowShare = rows.map((v) => v / total)
  const colShare = cols.map((v) => v / total)
  const mean = (share: Float64Array) => share.reduce((s, v, y) => s + (v * (y + 0.5)) / share.length, 0)
  return { rowShare, colShare, meanRow: mean(rowShare), meanCol: mean(colShare), rowChi2: chiSquare(rows, total), colChi2: chiSquare(cols, total) }
}
