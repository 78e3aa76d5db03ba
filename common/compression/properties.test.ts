/**
 * Contract tests for every registered method (baselines, spatial, temporal): whatever a method
 * does, its TokenMap, features and report must be consistent, reproducible and within its budget.
 */
import { describe, expect, it } from 'vitest'
import { methods, runMethod } from './registry'
import { type Budget, MethodInputError, type MethodResult, type ParamValues } from './types'
import type { ImportanceKind } from '../tokens'
import { queryFor, randomVideo, withTextSpace } from '../../tests/support/method-inputs'

const T = 6
const H = 4
const W = 5
const D = 8
const N = H * W
const budgets: Budget[] = [{ ratio: 0.05 }, { ratio: 0.25 }, { ratio: 0.6 }, { ratio: 1 }, { tokens: 3 }]
const kinds: ImportanceKind[] = ['saliency-proxy', 'cls-attention']

function checkConsistent(r: MethodResult) {
  const { map } = r
  const m = map.tokenSizes.length
  expect(map.frameCount).toBe(T)
  expect(map.groups.length).toBe(T * N)
  expect(r.report.tokensOut).toBe(m)
  expect(r.features.length).toBe(m * D)
  expect(r.features.every(Number.isFinite)).toBe(true)
  const counts = new Float64Array(m)
  const contributes = new Uint8Array(T)
  map.groups.forEach((g, k) => {
    expect(g === -1 || (Number.isInteger(g) && g >= 0 && g < m)).toBe(true)
    if (g >= 0) {
      counts[g]++
      contributes[Math.floor(k / N)] = 1
    }
  })
  expect(Array.from(counts)).toEqual(Array.from(map.tokenSizes))
  expect(Array.from(map.keptFrames)).toEqual(Array.from(contributes))
  for (let g = 0; g < m; g++) {
    expect(map.tokenFrame[g]).toBeGreaterThanOrEqual(g > 0 ? map.tokenFrame[g - 1] : 0)
    expect(map.tokenFrame[g]).toBeLessThan(T)
  }
}

/** Width of the text space the prompt-guided methods get (≠ D: the tokens are not in it). */
const P = 6

describe.each(methods.map((m) => [m.id, m] as const))('%s', (_id, method) => {
  const text = Boolean(method.needs.textQuery)
  if (text) {
    it('refuses without a text tower, without per-patch embeddings when it needs them, and without a query, naming what to do', () => {
      const video = randomVideo(T, H, W, D, 99, 'cls-attention')
      const query = queryFor(method, 'a red car', P)
      const refusal = (v: typeof video, q: typeof query | null = query) => {
        try {
          runMethod(method.id, v, { ratio: 0.25 }, {}, { seed: 1, query: q ?? undefined })
        } catch (e) {
          expect(e).toBeInstanceOf(MethodInputError)
          return (e as Error).message
        }
        return null
      }
      expect(refusal(video)).toMatch(new RegExp(`^${method.id} needs a model with a text tower, and model random has none .*tokenscope models pull clip-vit-b16`))
      if (method.needs.textQuery === 'patch') expect(refusal({ ...withTextSpace(video, P, 5), patchEmbeds: undefined })).toMatch(/needs per-patch text relevance/)
      if (!method.needs.queryOptional) expect(refusal(withTextSpace(video, P, 5), null)).toMatch(/needs a text query: give one with --query TEXT/)
    })
  }
  for (const kind of kinds) {
    for (const [seed, budget] of budgets.map((b, i) => [i + 1, b] as const)) {
      it(`${kind}, budget ${JSON.stringify(budget)}`, () => {
        const plain = randomVideo(T, H, W, D, 100 + seed, kind)
        const video = text ? withTextSpace(plain, P, 200 + seed) : plain
        // A method that also runs without a query is checked both ways (odd seeds with one).
        const withQuery = text && (!method.needs.queryOptional || seed % 2 === 1)
        const ctx = { seed, ...(withQuery ? { query: queryFor(method, 'a red car', P) } : {}) }
        const run = () => runMethod(method.id, video, budget, {}, ctx)
        if (method.needs.importance === 'required' && kind !== 'cls-attention') {
          expect(run).toThrow(MethodInputError)
          return
        }
        const r = run()
        checkConsistent(r)
        const want = r.report.budgetTokens
        if (method.budgetMode === 'exact') expect(r.report.tokensOut).toBe(want)
        if (method.budgetMode === 'grid') expect(r.report.tokensOut).toBeLessThanOrEqual(want)
        if (method.needs.importance) expect(r.report.importanceSource).toBe(kind)
        const again = run()
        expect(Array.from(again.map.groups)).toEqual(Array.from(r.map.groups))
        expect(Array.from(again.features)).toEqual(Array.from(r.features))
      })
    }
  }
})

/** Modes other than the defaults, held to the same contract (budget modes aside: a mode may be adaptive). */
const variants: [string, ParamValues][] = [
  ['vidcom2', { rounding: 'code' }],
  ['evs', { mode: 'threshold', threshold: 0.5 }],
  ['flashvid', { selection: 'adts-v1', minSegments: 2 }],
  ['flashvid', { temporalThreshold: 1 }],
  ['sttm', { mode: 'fixed', rootLevel: 0 }],
  ['llava-scissor', { mode: 'calibrate' }],
  ['vq-codebook', { output: 'codebook', codeVector: 'unit-mean' }],
  ['zipvl-topp', { mode: 'calibrate' }],
  ['vispruner', { importantRatio: 1 }],
  ['keye-slowfast', { frameThreshold: 0.1 }],
]

describe.each(variants)('%s %j', (id, params) => {
  for (const [seed, budget] of budgets.map((b, i) => [i + 1, b] as const)) {
    it(`budget ${JSON.stringify(budget)}`, () => {
      const video = randomVideo(T, H, W, D, 200 + seed, 'cls-attention')
      const r = runMethod(id, video, budget, params, { seed })
      checkConsistent(r)
      const again = runMethod(id, video, budget, params, { seed })
      expect(Array.from(again.map.groups)).toEqual(Array.from(r.map.groups))
      expect(Array.from(again.features)).toEqual(Array.from(r.features))
    })
  }
})
