import { describe, expect, it } from 'vitest'
import { formats, FORMAT_IDS, guessFormat, type FormatId } from './index'
import type { AnnotationSet } from '../model'
import { AnnotationFormatError, parseProject } from '../validate'
import { parseCsv, csvLine } from './csv-text'
import { clipIds } from './qvhighlights'
import { filledSet, framePtsOf, testVideo } from '../../../tests/support/annotations'

const framePts = framePtsOf(3000)
const ctx = { video: testVideo, framePts }
const sets = [filledSet('first', 30, 4, framePts), filledSet('second, with comma', 3, 2, framePts, 11), { ...filledSet('third', 4, 0, framePts), question: '' }]

/** What each format holds, for comparing a round trip (ids and the palette where a format drops them). */
const held: Record<FormatId, (s: AnnotationSet) => unknown> = {
  json: (s) => s,
  csv: (s) => ({ ...s, id: undefined, palette: undefined }),
  lvhaystack: (s) => ({ name: s.name, annotator: s.annotator, question: s.question, keyframes: s.keyframes.map((k) => [k.sourceFrame, k.pts]) }),
  qvhighlights: (s) => ({ name: s.name, annotator: s.annotator, question: s.question, segments: s.segments.map((x) => [x.inPts, x.outPts]) }),
}

describe('every format: export then import gives back what it can hold', () => {
  for (const id of FORMAT_IDS) {
    it(id, () => {
      const format = formats[id]
      const text = format.write(sets, ctx)
      const back = format.read(text, ctx)
      expect(back.sets.map(held[id])).toEqual(sets.map(held[id]))
      expect(back.notices).toEqual([])
      // The format is recognised from the file alone.
      expect(guessFormat(text, `export.${format.extension}`).id).toBe(id)
      expect(guessFormat(text, 'no-extension').id).toBe(id)
      // Says what it drops (json drops nothing).
      expect(format.drops.length > 0).toBe(id !== 'json')
    })
  }

  it('CSV keeps exact timestamps and every character of labels and notes', () => {
    const set = { ...filledSet('x', 2, 1, framePts), keyframes: [{ id: 'k', sourceFrame: 5, pts: 0.1 + 1 / 3, label: ' padded ', note: 'a "quote", a comma,\r\nCRLF and ünïcode' }] }
    const back = formats.csv.read(formats.csv.write([set], ctx), ctx).sets[0]
    expect(back.keyframes[0]).toEqual(set.keyframes[0])
  })
})

describe('benchmark layouts', () => {
  it('LV-Haystack: fills seconds from frame indices (and back) through the frame table; reads T* and column layouts; picks this video', () => {
    const indicesOnly = JSON.stringify([{ video_id: 'lecture', question: 'q?', gt_frame_index: [10, 3] }, { video_id: 'other', question: 'no', gt_frame_index: [1] }])
    const r = formats.lvhaystack.read(indicesOnly, ctx)
    expect(r.sets).toHaveLength(1)
    expect(r.sets[0].keyframes.map((k) => [k.sourceFrame, k.pts])).toEqual([[3, framePts[3]], [10, framePts[10]]])
    expect(r.notices.join()).toMatch(/1 of 2 entries for video "lecture"/)

    const secondsOnly = JSON.stringify({ video_id: ['lecture'], question: ['q'], keyframe_timestamps: [[framePts[40], 2.01]] })
    const s = formats.lvhaystack.read(secondsOnly, ctx)
    expect(s.sets[0].keyframes.map((k) => k.sourceFrame)).toEqual([40, 48])
    expect(s.notices.join()).toMatch(/2.01 s is not a frame's timestamp; took the nearest frame, 48/)

    expect(() => formats.lvhaystack.read(indicesOnly, { video: testVideo })).toThrow(/frame table is needed/)
    expect(() => formats.lvhaystack.read(JSON.stringify([{ video_id: 'a', gt_frame_index: [1] }, { video_id: 'b', gt_frame_index: [1] }]), ctx)).toThrow(/no entry for video "lecture" \(its videos: a, b\)/)
    expect(() => formats.lvhaystack.read(JSON.stringify([{ video_id: 'lecture', gt_frame_index: [99999] }]), ctx)).toThrow(/past the video's last frame/)
  })

  it('QVHighlights: windows become segments; clip ids are the 2 s clips they overlap', () => {
    const line = JSON.stringify({ qid: 7, query: 'a dog runs', vid: 'lecture', duration: 150, relevant_windows: [[0, 16], [20, 21]], relevant_clip_ids: [], saliency_scores: [] })
    const r = formats.qvhighlights.read(line + '\n', ctx)
    expect(r.sets[0]).toMatchObject({ name: 'QVHighlights 7', question: 'a dog runs' })
    expect(r.sets[0].segments.map((s) => [s.inPts, s.outPts])).toEqual([[0, 16], [20, 21]])
    expect(clipIds(r.sets[0].segments)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 10])
  })
})

describe('malformed files are refused with a message naming the line or field', () => {
  const cases: [FormatId, string, RegExp][] = [
    ['csv', 'name,kind,pts\n', /CSV: no 'set' column \(the header has: name, kind, pts\)/],
    ['csv', 'set,kind,source_frame,pts\na,keyframe,1.5,0.2\n', /CSV line 2: source_frame must be a frame index/],
    ['csv', 'set,kind,in_pts,out_pts\na,segment,5,2\n', /CSV line 2: out_pts \(2\) comes before in_pts \(5\)/],
    ['csv', 'set,kind\na,blob\n', /CSV line 2: kind must be keyframe or segment/],
    ['csv', 'set,kind,source_frame,pts\na,keyframe,1,0.1\na,keyframe,1,0.1\n', /two items with id|two items with sourceFrame 1/],
    ['csv', 'set,kind\n"a,keyframe\n', /a quoted field is not closed/],
    ['lvhaystack', '[{"video_id": "lecture", "keyframe_timestamps": ["x"]}]', /keyframe_timestamps must be a list of numbers/],
    ['lvhaystack', '[{"video_id": "lecture"}]', /has no keyframes/],
    ['lvhaystack', '{"a": 1}\nnot json', /line 2 is not JSON/],
    ['qvhighlights', '{"vid": "lecture", "relevant_windows": [[3]]}', /relevant_windows\[0\] must be \[start, end\]/],
    ['json', '{"format": "tokenscope-annotations", "version": 1, "revision": 0, "video": {}, "sets": []}', /video.path must be a non-empty string/],
  ]
  for (const [id, text, message] of cases) {
    it(`${id}: ${message.source.slice(0, 50)}`, () => {
      expect(() => formats[id].read(text, ctx)).toThrow(AnnotationFormatError)
      expect(() => formats[id].read(text, ctx)).toThrow(message)
    })
  }

  it('TokenScope JSON of another video is refused, naming both', () => {
    const text = formats.json.write(sets, { video: { ...testVideo, fingerprint: 'ffff', path: '/else/other.mp4' } })
    expect(() => formats.json.read(text, ctx)).toThrow(/belongs to another video \(\/else\/other.mp4, fingerprint ffff\)/)
  })
})

describe('project files', () => {
  const good = JSON.parse(formats.json.write(sets, ctx))
  const at = (mutate: (p: typeof good) => void) => {
    const copy = structuredClone(good)
    mutate(copy)
    return JSON.stringify(copy)
  }
  it('reads a good file, sorting lists and filling optional fields', () => {
    const shuffled = at((p) => {
      p.sets[0].keyframes.reverse()
      delete p.sets[1].palette
      delete p.sets[1].keyframes[0].note
    })
    const project = parseProject(shuffled, 'p.json')
    expect(project.sets[0].keyframes).toEqual(sets[0].keyframes)
    expect(project.sets[1].keyframes[0].note).toBe('')
    expect(project.sets[1].palette.length).toBeGreaterThan(0)
  })

  it('names the file and the field at fault', () => {
    const bad: [string, RegExp, string?][] = [
      ['', /p.json is empty/],
      ['{"format": "tokenscope-annotations", "vers', /p.json is not valid JSON/],
      ['[1, 2]', /p.json is not a TokenScope annotation project/],
      [at((p) => (p.version = 7)), /p.json was written by a newer TokenScope \(format version 7; this one reads up to 1\)/, 'newer-version'],
      [at((p) => (p.sets[0].keyframes[3].pts = 'x')), /p.json: sets\[0\]\.keyframes\[\d+\]\.pts must be a number/],
      [at((p) => (p.sets[0].keyframes[2].sourceFrame = -1)), /sets\[0\]\.keyframes\[\d+\]\.sourceFrame must be an integer/],
      [at((p) => (p.sets[0].segments[0].outPts = -1)), /sets\[0\]\.segments\[\d+\]\.outPts \(-1\) must not come before inPts/],
      [at((p) => (p.sets[1].name = p.sets[0].name)), /sets has two items with name first/],
      [at((p) => (p.sets[0].keyframes[1].frame = 1)), /sets\[0\]\.keyframes\[\d+\] has no field 'frame'/],
    ]
    for (const [text, message, problem] of bad) {
      try {
        parseProject(text, 'p.json')
        expect.unreachable(String(message))
      } catch (e) {
        expect(e).toBeInstanceOf(AnnotationFormatError)
        expect((e as Error).message).toMatch(message)
        expect((e as AnnotationFormatError).problem).toBe(problem ?? 'damaged')
      }
    }
  })
})

it('CSV text: quotes only what needs it and reads back', () => {
  const fields = ['plain', 'a,b', 'say "hi"', 'line\nbreak', ' lead', '']
  expect(parseCsv(csvLine(fields) + '\r\n' + csvLine(['x']) + '\n')).toEqual([fields, ['x']])
  expect(parseCsv('\ufeffa,b\n')).toEqual([['a', 'b']])
})
