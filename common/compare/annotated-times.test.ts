import { describe, expect, it } from 'vitest'
import { annotatedTimes, chooseScoredSet } from './annotated-times'

const set = (name: string, keyframes: number[], segments: number[] = []) => ({ name, keyframes: keyframes.map((pts) => ({ pts })), segments: segments.map((inPts) => ({ inPts, outPts: inPts + 1 })) })

describe('annotated times', () => {
  it('keyframes and segment in points, ascending, each once', () => {
    expect(annotatedTimes(set('cuts', [4, 1.5], [1.5, 0, 9]))).toEqual([0, 1.5, 4, 9])
    expect(annotatedTimes(set('empty', []))).toEqual([])
  })

  it('the named set, else the first that marks anything', () => {
    const sets = [set('empty', []), set('moments', [], [3]), set('cuts', [1])]
    expect(chooseScoredSet(sets)?.name).toBe('moments')
    expect(chooseScoredSet(sets, 'cuts')?.name).toBe('cuts')
    expect(() => chooseScoredSet(sets, 'nope')).toThrow(/no annotation set named "nope" \(sets: empty, moments, cuts\)/)
    expect(chooseScoredSet([set('empty', [])])).toBeUndefined()
  })
})
