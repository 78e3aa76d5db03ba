import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { annotationFileFor, scoredTimesFromFile } from './annotation-source'
import { newProject, newSet, type VideoRef } from '../../common/annotations/model'
import { formats } from '../../common/annotations/formats'

const video = (name: string, fingerprint = 'f'.repeat(32)): VideoRef => ({ path: `/videos/${name}`, fingerprint, duration: 12, fps: 25 })

let dir = ''
const folder = (...files: string[]) => {
  dir = mkdtempSync(join(tmpdir(), 'ts-annotation-source-'))
  for (const f of files) writeFileSync(join(dir, f), '')
  return dir
}
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }))

describe('annotationFileFor', () => {
  it("takes the file named after the video, or the video's own project file", () => {
    const d = folder('cat.jsonl', 'dog.csv', `bird.${'a'.repeat(32)}.tokenscope.json`, 'bird.mp4.json', 'catalog.json')
    expect(annotationFileFor(d, video('cat.mp4'))).toBe(join(d, 'cat.jsonl'))
    expect(annotationFileFor(d, video('dog.mkv'))).toBe(join(d, 'dog.csv'))
    // A project file is the video's only when its fingerprint is the video's.
    expect(annotationFileFor(d, video('bird.mp4', 'a'.repeat(32)))).toBe(join(d, `bird.${'a'.repeat(32)}.tokenscope.json`))
    expect(annotationFileFor(d, video('bird.mp4', 'b'.repeat(32)))).toBeUndefined()
    expect(annotationFileFor(d, video('cow.mp4'))).toBeUndefined()
  })

  it('refuses to guess between two files for one video', () => {
    const d = folder('cat.json', 'cat.csv')
    expect(() => annotationFileFor(d, video('cat.mp4'))).toThrow(/several annotation files for cat in .*: cat\.csv, cat\.json/)
  })
})

describe('scoredTimesFromFile', () => {
  it("reads any import format: a QVHighlights file's windows start where the moments start", async () => {
    const d = folder()
    const file = join(d, 'cat.jsonl')
    const lines = [
      { qid: 1, query: 'cuts', vid: 'cat', duration: 12, relevant_windows: [[4, 6], [1, 4]], set: 'cuts' },
      { qid: 2, query: 'other video', vid: 'dog', duration: 12, relevant_windows: [[0, 2]] },
    ]
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'))
    const scored = await scoredTimesFromFile(file, video('cat.mp4'))
    expect(scored).toMatchObject({ file, set: 'cuts', times: [1, 4] })
    expect(scored.notices.join(' ')).toMatch(/took the 1 of 2 entries for video "cat"/)
    await expect(scoredTimesFromFile(file, video('cat.mp4'), 'nope')).rejects.toThrow(/no annotation set named "nope" \(sets: cuts\)/)
  })

  it("the named set of a project file, keyframes and segment starts; another video's project is refused", async () => {
    const d = folder()
    const file = join(d, 'cat.tokenscope.json')
    const ref = video('cat.mp4')
    const cuts = { ...newSet({ name: 'cuts' }), keyframes: [{ id: 'k1', sourceFrame: 50, pts: 2, label: '', note: '' }], segments: [{ id: 's1', inPts: 7, outPts: 9, label: '', note: '' }] }
    writeFileSync(file, formats.json.write([newSet({ name: 'empty' }), cuts], { video: ref }))
    expect(await scoredTimesFromFile(file, ref)).toMatchObject({ set: 'cuts', times: [2, 7] })
    expect(await scoredTimesFromFile(file, ref, 'cuts')).toMatchObject({ set: 'cuts', times: [2, 7] })
    await expect(scoredTimesFromFile(file, ref, 'empty')).resolves.toMatchObject({ set: 'empty', times: [] })
    await expect(scoredTimesFromFile(file, video('cat.mp4', 'c'.repeat(32)))).rejects.toThrow(/belongs to another video/)
    writeFileSync(file, JSON.stringify(newProject(ref, [newSet({ name: 'empty' })])))
    await expect(scoredTimesFromFile(file, ref)).rejects.toThrow(/no annotation set in .* marks a keyframe or segment/)
  })
})
