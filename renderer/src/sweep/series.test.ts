import { csvParse } from 'd3-dsv'
import { describe, expect, it } from 'vitest'
import type { SweepPoint } from '../../../common/ipc/contract'
import { parseBudgets, plotPoints, pointMetrics, sweepCsv } from './series'

const point = (methodId: string, budget: number, fidelity: number, keyframes: number[]): SweepPoint => ({
  methodId,
  budget,
  report: { budgetTokens: budget * 1000, tokensOut: budget * 1000 - 1, derived: {}, notes: [] },
  metrics: { ratio: budget - 0.001, tokenFidelity: fidelity, llm: 'qwen2-7b' },
  keyframes: Int32Array.from(keyframes),
})

const points: SweepPoint[] = [
  point('tome', 0.25, 0.9, [0, 1, 2, 3]),
  point('tome', 0.05, 0.7, [0, 1, 2, 3]),
  point('scene-segments', 0.05, 0.6, [0, 2]),
  { methodId: 'vtc-cls', budget: 0.05, error: 'needs real class attention' },
]
const scoring = { pts: [0, 10, 20, 30], annotated: [0, 20], deltaSeconds: 1 }

describe('sweep series', () => {
  it('one plot point per method and budget that has the metric, x the kept share, in budget order', () => {
    const p = plotPoints(points, 'tokenFidelity')
    expect(p.map((q) => [q.methodId, q.budget, q.y])).toEqual([
      ['tome', 0.05, 0.7],
      ['tome', 0.25, 0.9],
      ['scene-segments', 0.05, 0.6],
    ])
    expect(p[0].x).toBeCloseTo(0.049, 12)
    expect(p[0]).toMatchObject({ tokensOut: 49, budgetTokens: 50 })
  })

  it('keyframe F1 only with an annotation set, scored from each point\'s keyframes', () => {
    expect(plotPoints(points, 'temporalF1')).toEqual([])
    const f1 = plotPoints(points, 'temporalF1', scoring)
    // tome keeps frames at 0, 10, 20, 30 s: P = 2/4, R = 1, F1 = 2/3; scene-segments 0 and 20 s: F1 = 1.
    expect(f1.map((q) => [q.methodId, q.y])).toEqual([
      ['tome', 2 / 3],
      ['tome', 2 / 3],
      ['scene-segments', 1],
    ])
    expect(pointMetrics(points[2], scoring)).toMatchObject({ temporalPrecision: 1, temporalRecall: 1, keyframesPredicted: 2, deltaSeconds: 1 })
  })

  it('budgets from percentages', () => {
    expect(parseBudgets('2, 5 10;25% 50')).toEqual([0.02, 0.05, 0.1, 0.25, 0.5])
    expect(parseBudgets('50, 5, 5')).toEqual([0.05, 0.5])
    expect(parseBudgets('0, 5')).toMatch(/'0' is not a percentage/)
    expect(parseBudgets('120')).toMatch(/not a percentage/)
    expect(parseBudgets(' ')).toMatch(/at least one/)
  })

  it('CSV: a row per point, errors kept, numbers exact', () => {
    const rows = csvParse(sweepCsv(points, scoring))
    expect(rows.length).toBe(4)
    expect(rows[0]).toMatchObject({ method: 'tome', budget: '0.25', budgetTokens: '250', error: '', tokenFidelity: '0.9', temporalF1: String(2 / 3) })
    expect(rows[3]).toMatchObject({ method: 'vtc-cls', error: 'needs real class attention', tokenFidelity: '' })
  })
})
