/** TokenMaps and checks shared by the codec tests. */
import { expect } from 'vitest'
import { CodecError } from '../../common/codec/container'
import { tokenMapFromLabels, type TokenMap } from '../../common/token-map'

/** 3 frames of a 2×2 grid: frame 0 merges patches 0,1; frame 1 is dropped; frame 2 keeps one patch into a token placed at frame 0. */
export function sampleMap(): TokenMap {
  const labels = Int32Array.from([5, 5, 7, -1, /* frame 1 */ -1, -1, -1, -1, /* frame 2 */ 9, -1, 5, -1])
  return tokenMapFromLabels({ h: 2, w: 2 }, 3, labels).map
}

/** One frame of an h × w grid where every patch is its own token: h*w tokens, deltas spanning h*w - 1. */
export const uniqueFrame = (h: number, w: number) => tokenMapFromLabels({ h, w }, 1, Int32Array.from({ length: h * w }, (_, i) => i)).map

export const withSizes = (map: TokenMap, edit: (sizes: Float32Array) => void): TokenMap => {
  const tokenSizes = map.tokenSizes.slice()
  edit(tokenSizes)
  return { ...map, tokenSizes }
}

/** Asserts `fn` throws a CodecError whose message matches `pattern`. */
export const expectCodecError = (fn: () => unknown, pattern: RegExp) => {
  expect(fn).toThrow(CodecError)
  expect(fn).toThrow(pattern)
}
