/**
 * Side-by-side measurement: a candidate and its baseline run alternately (A B A B …) in the same
 * process, so a noisy shared machine slows both alike, and the ratio of their medians is what
 * we report. Absolute numbers are printed too, but only ratios are meant to be compared.
 */

export interface Timed {
  /** Units of work done (frames). */
  units: number
  seconds: number
}

export interface Comparison {
  name: string
  unit: string
  candidate: { label: string; perSecond: number; runs: number[] }
  baseline: { label: string; perSecond: number; runs: number[] }
  /** candidate / baseline throughput. */
  ratio: number
  target?: string
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export async function sideBySide(
  name: string,
  unit: string,
  candidate: { label: string; run: () => Promise<Timed> },
  baseline: { label: string; run: () => Promise<Timed> },
  rounds = 3,
  target?: string,
): Promise<Comparison> {
  const a: number[] = []
  const b: number[] = []
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always gets the warmer cache.
    const order = r % 2 ? [baseline, candidate] : [candidate, baseline]
    for (const side of order) {
      const t = await side.run()
      ;(side === candidate ? a : b).push(t.units / t.seconds)
    }
  }
  const ca = median(a)
  const cb = median(b)
  return {
    name,
    unit,
    candidate: { label: candidate.label, perSecond: ca, runs: a },
    baseline: { label: baseline.label, perSecond: cb, runs: b },
    ratio: ca / cb,
    target,
  }
}

export async function timed(units: () => Promise<number>): Promise<Timed> {
  const t0 = performance.now()
  const n = await units()
  return { units: n, seconds: (performance.now() - t0) / 1000 }
}
