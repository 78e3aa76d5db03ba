import { csvParseRows } from 'd3-dsv'
import { describe, expect, it } from 'vitest'
import { compareTableCsv, compareTableRows, differenceRows, type SideValues } from './metrics-rows'

const side = (methodId: string, metrics: SideValues['metrics'], derived: Record<string, number | string> = {}): SideValues => ({
  methodId,
  budgetMode: 'exact',
  report: { budgetTokens: 100, tokensOut: Number(metrics.tokensOut ?? 100), derived, notes: [] },
  metrics,
  elapsedMs: 12.4,
})

describe('compareTableRows', () => {
  const a = side('tome', { tokensOut: 100, tokenFidelity: 0.9, coverage: 0.2, llm: 'qwen2-7b', temporalF1: 0.5 }, { rounds: 3 })
  const b = side('dtome', { tokensOut: 96, tokenFidelity: 0.8, coverage: 0.1, llm: 'qwen2-7b', temporalF1: 0.5 })
  const rows = compareTableRows(a, b)
  const byKey = Object.fromEntries(rows.map((r) => [r.key, r]))

  it('B − A, and the better side by direction: higher fidelity, lower coverage distance; none for ties and undirected values', () => {
    expect(byKey.tokenFidelity).toMatchObject({ a: 0.9, b: 0.8, winner: 'a', better: 'higher' })
    expect(byKey.tokenFidelity.delta).toBeCloseTo(-0.1, 12)
    expect(byKey.coverage).toMatchObject({ winner: 'b', better: 'lower' })
    expect(byKey.temporalF1).toMatchObject({ delta: 0, winner: null })
    expect(byKey.tokensOut).toMatchObject({ delta: -4, winner: null })
    expect(byKey.llm).toMatchObject({ a: 'qwen2-7b', delta: null, winner: null })
  })

  it('the requested budget beside what each kept, then metrics in table order, then derived values', () => {
    expect(rows.map((r) => r.key)).toEqual(['budgetTokens', 'budgetMode', 'elapsedMs', 'tokensOut', 'tokenFidelity', 'coverage', 'llm', 'temporalF1', 'derived.rounds'])
    expect(byKey.budgetTokens).toMatchObject({ a: 100, b: 100 })
    expect(byKey['derived.rounds']).toMatchObject({ a: 3, b: null })
    expect(byKey.tokenFidelity.label).toBe('token fidelity ↑')
  })

  it('one side alone', () => {
    const only = compareTableRows(a, null)
    expect(only.every((r) => r.b === null && r.delta === null && r.winner === null)).toBe(true)
  })

  it('CSV: parses back to the same numbers, with the A-vs-B values in their own column', () => {
    const diff = { patchesBoth: 5, patchesGroupedDifferently: 1, patchesAOnly: 2, patchesBOnly: 0, patchesNeither: 8, disagreement: 3 / 16, framesAOnly: 0, framesBOnly: 1 }
    const back = csvParseRows(compareTableCsv(rows, { a: 'tome', b: 'dtome' }, diff).trimEnd())
    expect(back[0]).toEqual(['metric', 'label', 'A: tome', 'B: dtome', 'B - A', 'better', 'A vs B'])
    const fidelity = back.find((r) => r[0] === 'tokenFidelity')!
    expect([Number(fidelity[2]), Number(fidelity[3]), Number(fidelity[4]), fidelity[5]]).toEqual([0.9, 0.8, byKey.tokenFidelity.delta, 'a'])
    expect(back.find((r) => r[0] === 'disagreement')![6]).toBe(String(3 / 16))
    expect(differenceRows(diff).map((r) => r.value)).toEqual(Object.values(diff))
  })
})
