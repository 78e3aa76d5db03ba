/** `tokenscope annotations …` as a user runs it: the built CLI on a generated clip. */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, expectOneLineError, json } from './support/cli'
import { makeClip } from './fixtures/videos'
import type { AnnotationProject, AnnotationSet } from '../common/annotations/model'
import { FORMAT_IDS } from '../common/annotations/formats'

const tmp = () => mkdtempSync(join(tmpdir(), 'ts-cli-annotations-'))

describe('tokenscope annotations', () => {
  it('imports, lists, exports every format and imports each back equal, scores agreement; errors are one line', async () => {
    const dir = tmp()
    const clip = join(dir, 'walk.mp4')
    copyFileSync(await makeClip({ seconds: 6, fps: 25, width: 160, height: 96, kind: 'testsrc' }), clip)
    const env = { TOKENSCOPE_PROJECTS_DIR: join(dir, 'projects') }
    const run = (...args: string[]) => cli(['annotations', ...args], env)
    const csv = join(dir, 'in.csv')
    writeFileSync(
      csv,
      ['set,annotator,question,kind,source_frame,pts,in_pts,out_pts,label,note', 'ann,ann,Where does it turn?,keyframe,25,1,,,relevant,"the turn, at last"', 'ann,ann,Where does it turn?,keyframe,100,4,,,,', 'ann,ann,Where does it turn?,segment,,,2,3.48,scene change,', 'ben,ben,,keyframe,27,1.08,,,,', 'ben,ben,,keyframe,140,5.6,,,,'].join('\n'),
    )
    expect(json(run('import', clip, csv, '--json'))).toMatchObject({ format: 'csv', sets: ['ann', 'ben'], keyframes: 4, segments: 1, skipped: 0 })
    const listed = json(run('list', clip, '--json')) as { file: string; project: AnnotationProject }
    expect(listed.file).toContain(join(dir, 'projects'))
    const ann = listed.project.sets.find((s) => s.name === 'ann')!
    expect(ann.keyframes.map((k) => [k.sourceFrame, k.pts, k.label, k.note])).toEqual([[25, 1, 'relevant', 'the turn, at last'], [100, 4, '', '']])

    const held: Record<string, (s: AnnotationSet) => unknown> = {
      json: (s) => ({ ...s, id: undefined, name: undefined }),
      csv: (s) => ({ ...s, id: undefined, name: undefined, palette: undefined }),
      lvhaystack: (s) => [s.question, s.annotator, s.keyframes.map((k) => [k.sourceFrame, k.pts])],
      qvhighlights: (s) => [s.question, s.annotator, s.segments.map((x) => [x.inPts, x.outPts])],
    }
    for (const format of FORMAT_IDS) {
      const out = join(dir, `ann.${format}`)
      expect(json(run('export', clip, '--format', format, '--out', out, '--set', 'ann', '--json'))).toMatchObject({ file: out, sets: ['ann'] })
      // Imported back under a new name (guessing the format from the file), it equals the original in what the format holds.
      expect(run('import', clip, out, '--set', `back-${format}`).code).toBe(0)
      const project = (json(run('list', clip, '--json')) as { project: AnnotationProject }).project
      const back = project.sets.find((s) => s.name === `back-${format}`)!
      expect(held[format](back), format).toEqual(held[format](ann))
    }

    expect(json(run('agree', clip, '--sets', 'ann,ben', '--delta', '0.2', '--json'))).toMatchObject({ reference: 'ann', compared: 'ben', precision: 0.5, recall: 0.5, f1: 0.5 })
    expectOneLineError(run('agree', clip, '--sets', 'ann,nobody'), /no set named "nobody"/)
    expectOneLineError(run('export', clip, '--format', 'xml', '--out', join(dir, 'x')), /--format must be one of json, csv, lvhaystack, qvhighlights/)
    writeFileSync(join(dir, 'bad.csv'), 'set,kind,source_frame,pts\nann,keyframe,-3,0.5\n')
    expectOneLineError(run('import', clip, join(dir, 'bad.csv')), /CSV line 2: source_frame must be a frame index/)
  })
})
