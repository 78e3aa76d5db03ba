import { describe, expect, it } from 'vitest'
import type { Sampling } from '../../common/video'
import { makeClip, makeVfrClip } from '../../tests/fixtures/videos'
import { decodeFrames } from './decode'

const size = { width: 32, height: 32, resize: 'squash' as const }

async function ptsOf(path: string, sampling: Sampling, resumeAfterPts?: number): Promise<number[]> {
  const out: number[] = []
  for await (const f of decodeFrames(path, { ...size, sampling, resumeAfterPts })) out.push(f.pts)
  return out
}

describe('resuming a sampling part way', () => {
  const samplings: Sampling[] = [{ mode: 'every-frame' }, { mode: 'fps', fps: 2 }, { mode: 'fps', fps: 0.7 }, { mode: 'count', frames: 23 }]

  for (const sampling of samplings) {
    it(`gives exactly the frames after the last one for ${JSON.stringify(sampling)}`, async () => {
      // 12 s so that resuming seeks (the seek lands a second before the last frame).
      const clip = await makeClip({ seconds: 12, fps: 25, width: 160, height: 90, kind: 'cuts' })
      const full = await ptsOf(clip, sampling)
      expect(full.length).toBeGreaterThan(4)
      for (const k of [1, Math.floor(full.length / 2), full.length - 1]) {
        const rest = await ptsOf(clip, sampling, full[k - 1])
        expect(rest).toEqual(full.slice(k))
      }
    })
  }

  it('resumes a variable-frame-rate clip on its real timestamps', async () => {
    const { path } = await makeVfrClip()
    const sampling: Sampling = { mode: 'fps', fps: 3 }
    const full = await ptsOf(path, sampling)
    const k = Math.floor(full.length * 0.6)
    expect(await ptsOf(path, sampling, full[k - 1])).toEqual(full.slice(k))
  })
})

describe('a resumed decode that reaches the end', () => {
  it('does not call a complete file damaged', async () => {
    const clip = await makeClip({ seconds: 12, fps: 25, width: 160, height: 90, kind: 'cuts' })
    const sampling: Sampling = { mode: 'fps', fps: 1 }
    const full = await ptsOf(clip, sampling)
    for (const after of [full[5], full[full.length - 1]]) {
      const warnings: string[] = []
      for await (const _ of decodeFrames(clip, { ...size, sampling, resumeAfterPts: after, onWarning: (w) => warnings.push(w) })) void _
      expect(warnings).toEqual([])
    }
  })
})
