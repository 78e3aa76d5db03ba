import { csvParseRows } from 'd3-dsv'
import { describe, expect, it } from 'vitest'
import { toCsv } from './csv'

describe('toCsv', () => {
  it('quotes what needs quoting, keeps numbers exact, leaves missing values empty', () => {
    const csv = toCsv(['metric', 'A', 'B'], [
      ['prefill, kept tokens', 0.1 + 0.2, null],
      ['say "hi"', 1e-7, Number.NaN],
      ['two\nlines', true, undefined],
    ])
    expect(csv.endsWith('\n')).toBe(true)
    expect(csv.split('\n')[1]).toBe('"prefill, kept tokens",0.30000000000000004,')
    const back = csvParseRows(csv.trimEnd())
    expect(back).toEqual([
      ['metric', 'A', 'B'],
      ['prefill, kept tokens', '0.30000000000000004', ''],
      ['say "hi"', '1e-7', ''],
      ['two\nlines', 'true', ''],
    ])
    expect(Number(back[1][1])).toBe(0.1 + 0.2)
  })
})
