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
import { clipCutTimes, makeClip } from './fixtures/videos'
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

  it('scores keyframes against an annotation file: scene-segments and uniform-frames at the same budget', async () => {
    const dir = tmp()
    const video = join(dir, 'cuts.mp4')
    copyFileSync(await makeClip({ seconds: 6, fps: 8, width: 160, height: 120, kind: 'cuts' }), video)
    // The scenes as QVHighlights moments (JSON Lines): each starts at a cut.
    const cuts = clipCutTimes(6)
    const file = join(dir, 'cuts.jsonl')
    writeFileSync(file, JSON.stringify({ qid: 1, query: 'scene changes', vid: 'cuts', duration: 6, relevant_windows: cuts.map((t) => [t, t + 1]), set: 'scene changes' }) + '\n')
    const args = ['compare', video, '--methods', 'scene-segments,uniform-frames', '--budget', '0.25', '--fps', '4', '--cache', join(dir, 'cache'), '--annotations', file, '--delta', '0.5']
    const r = cli([...args, '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.annotations).toMatchObject({ file, set: 'scene changes', times: cuts, deltaSeconds: 0.5 })
    const scores = Object.fromEntries(out.rows.map((x: { method: string; metrics: Record<string, number> }) => [x.method, x.metrics]))
    for (const m of Object.values(scores)) {
      expect(m).toMatchObject({ keyframesAnnotated: cuts.length, deltaSeconds: 0.5, keyframesPredicted: m.keptFrames })
      expect(m.temporalF1).toBeCloseTo((2 * m.temporalPrecision * m.temporalRecall) / (m.temporalPrecision + m.temporalRecall), 12)
    }
    // At the same budget (six of the 24 frames each), one frame per scene finds every cut; evenly spaced frames miss some.
    expect(scores['scene-segments'].temporalRecall).toBe(1)
    expect(scores['scene-segments'].temporalF1).toBeGreaterThan(scores['uniform-frames'].temporalF1)
    // A wider δ finds at least as much.
    const wide = JSON.parse(cli([...args.slice(0, -1), '2', '--json']).stdout)
    for (const x of wide.rows) expect(x.metrics.temporalF1).toBeGreaterThanOrEqual(scores[x.method].temporalF1)

    // Text mode: the keyframe table.
    const text = cli(args)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(`Keyframes against "scene changes" (${cuts.length} annotated times, ${file}), within ±0.5 s:`)
    for (const [method, m] of Object.entries(scores)) {
      const line = text.stdout.split('\n').filter((l) => l.startsWith(`${method} `)).find((l) => l.includes('keyframe') === false && l.trim().split(/\s+/).length === 6)!
      expect(line.trim().split(/\s+/).slice(2).map(Number)).toEqual([m.keyframesPredicted, ...[m.temporalPrecision, m.temporalRecall, m.temporalF1].map((v) => Number(v.toFixed(3)))])
    }

    // A set the file does not have, a folder, --set alone: one-line errors.
    expect(cli([...args, '--set', 'nope']).stderr).toMatch(/^tokenscope compare: --annotations .*cuts\.jsonl: no annotation set named "nope" \(sets: scene changes\)\n$/)
    expect(cli([...args.slice(0, -4), '--annotations', dir]).stderr).toMatch(/is a folder: one annotation file per video goes with --videos/)
    expect(cli([...args.slice(0, -4), '--set', 'cuts']).stderr).toMatch(/--set names a set of the --annotations file/)
  })

  it('over several videos with a folder of annotation files: keyframe scores per video, their means over the videos that have them', async () => {
    const dir = tmp()
    const videos = join(dir, 'videos')
    const notes = join(dir, 'annotations')
    mkdirSync(videos)
    mkdirSync(notes)
    copyFileSync(await makeClip({ seconds: 3, fps: 8, width: 160, height: 120, kind: 'cuts' }), join(videos, 'a.mp4'))
    copyFileSync(await makeClip({ seconds: 2, fps: 8, width: 160, height: 120, kind: 'cuts' }), join(videos, 'b.mp4'))
    copyFileSync(await makeClip({ seconds: 2, fps: 8, width: 160, height: 120, kind: 'motion' }), join(videos, 'c.mp4'))
    // a: LV-Haystack keyframe times (the frame table gives their frames); b: QVHighlights moments; c: none.
    writeFileSync(join(notes, 'a.json'), JSON.stringify([{ video_id: 'a', question: 'cuts', keyframe_timestamps: clipCutTimes(3), set: 'cuts' }]))
    writeFileSync(join(notes, 'b.jsonl'), JSON.stringify({ qid: 7, query: 'cuts', vid: 'b', duration: 2, relevant_windows: [[1, 2]], set: 'cuts' }) + '\n')
    writeFileSync(join(notes, 'readme.txt'), 'not an annotation file')
    const args = ['compare', '--videos', videos, '--methods', 'scene-segments,uniform-frames', '--budget', '0.25', '--fps', '4', '--annotations', notes, '--delta', '0.5', '--cache', join(dir, 'cache'), '--out', join(dir, 'out')]
    const r = cli([...args, '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.settings).toMatchObject({ annotations: notes, deltaSeconds: 0.5 })
    const [a, b, c] = report.videos
    expect([a.annotationSet, b.annotationSet, c.annotationSet]).toEqual(['cuts', 'cuts', undefined])
    expect(c.annotationNote).toMatch(/no annotation file for it in/)
    for (const row of [...a.rows, ...b.rows]) expect(row.metrics).toMatchObject({ keyframesAnnotated: row.video.endsWith('a.mp4') ? 2 : 1, deltaSeconds: 0.5 })
    for (const row of c.rows) expect(row.metrics.temporalF1).toBeUndefined()
    const f1 = report.summary.find((s: { methodId: string; metric: string }) => s.methodId === 'scene-segments' && s.metric === 'temporalF1')
    expect(f1).toMatchObject({ n: 2, ...bootstrapMean([a.rows[0].metrics.temporalF1, b.rows[0].metrics.temporalF1], { seed: 0, resamples: report.interval.resamples }) })
    const fidelity = report.summary.find((s: { methodId: string; metric: string }) => s.methodId === 'scene-segments' && s.metric === 'tokenFidelity')
    expect(fidelity.n).toBe(3)

    const text = cli(args)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/Mean over 3 videos/)
    expect(text.stdout).toMatch(/\(2 videos\)/)
    expect(text.stdout).toMatch(new RegExp(`Keyframes scored within ±0.5 s against each video's file in ${notes}:`))
    expect(text.stdout).toMatch(/c\.mp4: not scored · no annotation file for it in/)
    expect(cli([...args.slice(0, -2), '--annotations', join(notes, 'a.json')]).stderr).toMatch(/with --videos, --annotations names a folder/)
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
