import { type TokenPlacement, tokenMapFromLabels } from '../../token-map'
import type { VideoTokens } from '../../tokens'
import { patchCount } from '../../tokens'
import type { VideoOutput } from '../types'

/**
 * The output tokens a video method built, placed as tokenMapFromLabels orders them: labels [T*N]
 * name each patch's token 0..M-1 (-1 = pruned); token m sits at frame `frame[m]`, is ordered within
 * it by `key[m]` (then by m), and has the feature `features[m]` [D] (absent or undefined = the mean
 * of its patches). Every token must own at least one patch.
 */
export interface OutputTokens extends TokenPlacement {
  labels: Int32Array
  features?: (Float32Array | undefined)[]
}

/**
 * Output tokens collected one at a time: `add(frame, key, feature?)` places a new token and returns
 * its id, for the method to write into `tokens.labels` [patches] (all -1 at first).
 */
export function tokenCollector(patches: number): { tokens: OutputTokens & { frame: number[]; key: number[]; features: (Float32Array | undefined)[] }; add: (frame: number, key: number, feature?: Float32Array) => number } {
  const tokens = { labels: new Int32Array(patches).fill(-1), frame: [] as number[], key: [] as number[], features: [] as (Float32Array | undefined)[] }
  const add = (frame: number, key: number, feature?: Float32Array) => {
    tokens.frame.push(frame)
    tokens.key.push(key)
    tokens.features.push(feature)
    return tokens.frame.length - 1
  }
  return { tokens, add }
}

/**
 * A video method's output from the tokens it built: the TokenMap, the features [M, D] in output
 * order, and the report with tokensOut = M (the other fields as given, in the order given).
 */
export function assembleResult(video: VideoTokens, tokens: OutputTokens, report: Omit<VideoOutput['report'], 'tokensOut'>): VideoOutput {
  const n = patchCount(video.grid)
  const d = video.dim
  const { map, labelOf } = tokenMapFromLabels(video.grid, video.tokens.length, tokens.labels, tokens)
  const m = labelOf.length
  const out = new Float32Array(m * d)
  const needMean = new Uint8Array(m)
  for (let g = 0; g < m; g++) {
    const f = tokens.features?.[labelOf[g]]
    if (f) out.set(f, g * d)
    else needMean[g] = 1
  }
  const { groups, tokenSizes } = map
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k]
    if (g < 0 || !needMean[g]) continue
    const x = video.tokens[Math.floor(k / n)]
    const o = (k % n) * d
    for (let c = 0; c < d; c++) out[g * d + c] += x[o + c]
  }
  for (let g = 0; g < m; g++) {
    if (!needMean[g]) continue
    const inv = 1 / tokenSizes[g]
    for (let c = 0; c < d; c++) out[g * d + c] *= inv
  }
  return { map, features: out, report: { tokensOut: m, ...report } }
}
