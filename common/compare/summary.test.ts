import { describe, expect, it } from 'vitest'
import { bootstrapMean } from './bootstrap'
import { summarizeOverVideos, type VideoMethodRow } from './summary'

describe('summarizeOverVideos', () => {
  const rows: VideoMethodRow[] = [
    { video: 'a.mp4', methodId: 'tome', metrics: { tokenFidelity: 0.9, temporalF1: 0.5, llm: 'qwen2-7b', zeta: 1 } },
    { video: 'a.mp4', methodId: 'avg-pool', metrics: { tokenFidelity: 0.8 } },
    { video: 'b.mp4', methodId: 'tome', metrics: { tokenFidelity: 0.7, zeta: 3 } },
    { video: 'b.mp4', methodId: 'avg-pool', metrics: { tokenFidelity: 0.6 } },
    { video: 'bad.mp4', methodId: 'tome', error: 'not a video' },
    { video: 'c.mp4', methodId: 'tome', metrics: { tokenFidelity: 0.8, temporalF1: 1, zeta: null } },
  ]

  it('one entry per method and numeric metric, over the videos that have it, skipping errors', () => {
    const s = summarizeOverVideos(rows, { seed: 5 })
    expect(s.map((x) => [x.methodId, x.metric, x.n])).toEqual([
      ['tome', 'tokenFidelity', 3],
      ['tome', 'temporalF1', 2],
      ['tome', 'zeta', 2],
      ['avg-pool', 'tokenFidelity', 2],
    ])
    const fidelity = s[0]
    expect(fidelity.mean).toBeCloseTo(0.8, 12)
    expect(fidelity).toMatchObject(bootstrapMean([0.9, 0.7, 0.8], { seed: 5 })!)
    expect(fidelity.low).toBeLessThanOrEqual(fidelity.mean)
    expect(fidelity.high).toBeGreaterThanOrEqual(fidelity.mean)
    expect(s[1].mean).toBe(0.75)
  })
})
