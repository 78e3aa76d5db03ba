/** A benchmark figure: median and 95th percentile of its samples (ms), and its target. */
export interface BenchStat {
  median: number
  p95: number
  runs: number
  /** Absent for figures shown for context only. */
  targetMs?: number
}

const round = (x: number) => Math.round(x * 1000) / 1000

export function stat(samples: number[], targetMs?: number): BenchStat {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]
  return { median: round(at(0.5)), p95: round(at(0.95)), runs: s.length, targetMs }
}
