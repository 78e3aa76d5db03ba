/**
 * `tokenscope compare` as a user runs it (the built CLI in a child process, on generated video):
 * how methods differ on one video, and a comparison over several videos with means, bootstrap
 * intervals, CSV and JSON files, a bad video reported and skipped, and a resumed run.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { csvParse } from 'd3-dsv'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeClip } from './fixtures/videos'
import { bootstrapMean } from '../common/compare/bootstrap'

const root = resolve(__dirname, '..')
const bin = join(root, 'bin', 'tokenscope.js')
const tmp = () => mkdtempSync(join(tmpdir(), 'ts-cli-compare-'))

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 })
  expect(r.stderr).not.toMatch(/internal error/)
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) throw new Error("the CLI is not built: run 'npm run build' first")
})

describe('tokenscope compare', () => {
  it('on one video: each method against the first, patch by patch', async () => {
    const clip = await makeClip({ seconds: 3, fps: 8, width: 160, height: 120, kind: 'cuts' })
    const r = cli(['compare', clip, '--methods', 'tome,divprune,uniform-frames', '--budget', '0.25', '--fps', '4', '--cache', tmp(), '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.differences.map((d: { a: string; b: string }) => [d.a, d.b])).toEqual([
      ['tome', 'divprune'],
      ['tome', 'uniform-frames'],
    ])
    const patches = out.frames * 196
    for (const d of out.differences) {
      expect(d.patchesBoth + d.patchesGroupedDifferently + d.patchesAOnly + d.patchesBOnly + d.patchesNeither).toBe(patches)
      expect(d.disagreement).toBeCloseTo((d.patchesGroupedDifferently + d.patchesAOnly + d.patchesBOnly) / patches, 12)
    }
    // uniform-frames drops whole frames that tome keeps: those are A only, frame by frame.
    const uniform = out.differences[1]
    expect(uniform.framesAOnly).toBe(out.frames - out.rows.find((x: { method: string }) => x.method === 'uniform-frames').metrics.keptFrames)
    expect(uniform.framesBOnly).toBe(0)
  })

  it('over several videos: rows, means with 95 % intervals, CSV and JSON; a bad video is reported and skipped; a second run resumes', async () => {
    const dir = tmp()
    const videos = join(dir, 'videos')
    mkdirSync(videos)
    const clips = [
      await makeClip({ seconds: 2, fps: 8, width: 160, height: 120, kind: 'cuts' }),
      await makeClip({ seconds: 2, fps: 8, width: 160, height: 120, kind: 'motion' }),
      await makeClip({ seconds: 2, fps: 8, width: 160, height: 120, kind: 'testsrc' }),
    ]
    clips.forEach((c, i) => copyFileSync(c, join(videos, `v${i}.mp4`)))
    writeFileSync(join(videos, 'broken.mp4'), 'not a video')
    const out = join(dir, 'out')
    const args = ['compare', '--videos', videos, '--methods', 'tome,avg-pool', '--budget', '0.2', '--fps', '4', '--cache', join(dir, 'cache'), '--out', out, '--json']
    const r = cli(args)
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.videos.map((v: { path: string }) => v.path.split('/').pop())).toEqual(['broken.mp4', 'v0.mp4', 'v1.mp4', 'v2.mp4'])
    const broken = report.videos[0]
    expect(broken.error).toMatch(/not a video/i)
    expect(broken.rows.map((x: { error: string }) => x.error)).toEqual([broken.error, broken.error])
    const good = report.videos.slice(1)
    for (const v of good) expect(v.rows.map((x: { methodId: string }) => x.methodId)).toEqual(['tome', 'avg-pool'])

    // The summary: the mean over the three readable videos and its seeded percentile-bootstrap interval.
    const fidelity = good.map((v: { rows: { methodId: string; metrics: Record<string, number> }[] }) => v.rows[0].metrics.tokenFidelity)
    const s = report.summary.find((x: { methodId: string; metric: string }) => x.methodId === 'tome' && x.metric === 'tokenFidelity')
    expect(s).toMatchObject({ n: 3, ...bootstrapMean(fidelity, { seed: 0, resamples: report.interval.resamples }) })
    expect(report.interval).toMatchObject({ method: 'percentile bootstrap over videos', confidence: 0.95 })

    // The files: a row per video and method, the summary, and the JSON report.
    const rows = csvParse(readFileSync(join(out, 'compare.csv'), 'utf8'))
    expect(rows).toHaveLength(8)
    expect(Number(rows.find((x) => x.video.endsWith('v1.mp4') && x.method === 'tome')!.tokenFidelity)).toBe(fidelity[1])
    expect(rows.find((x) => x.video.endsWith('broken.mp4'))!.error).toBe(broken.error)
    const summary = csvParse(readFileSync(join(out, 'compare-summary.csv'), 'utf8'))
    const row = summary.find((x) => x.method === 'tome' && x.metric === 'tokenFidelity')!
    expect([Number(row.mean), Number(row.ci95_low), Number(row.ci95_high), Number(row.videos)]).toEqual([s.mean, s.low, s.high, 3])
    expect(JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')).summary).toEqual(report.summary)

    // Text mode prints the rows and the means with their intervals.
    const text = cli(args.filter((a) => a !== '--json'))
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/Mean over 3 videos \[95 % interval: percentile bootstrap over videos/)
    expect(text.stdout).toMatch(/tome\s+\d+(\.\d+)? \[\d/)
    // The second run reused every readable video's rows (same settings) and tried the broken one again.
    expect(text.stderr.match(/done in an earlier run/g)).toHaveLength(3)
  })

  it('refuses what cannot work', async () => {
    const dir = tmp()
    const r = cli(['compare', '--videos', dir, '--methods', 'tome'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/no video files in/)
    const clip = await makeClip({ seconds: 2, fps: 8, width: 160, height: 120, kind: 'cuts' })
    expect(cli(['compare', '--videos', clip, '--methods', 'tome', '--sweep', '0.1,0.2']).stderr).toMatch(/--sweep compares budgets on one video/)
    writeFileSync(join(dir, 'compare.json'), '{ broken')
    expect(cli(['compare', '--videos', clip, '--methods', 'tome', '--out', dir]).stderr).toMatch(/compare\.json cannot be read/)
    // The unreadable report is kept as it was.
    expect(readFileSync(join(dir, 'compare.json'), 'utf8')).toBe('{ broken')
  })
})
