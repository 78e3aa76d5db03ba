/**
 * Property-based fuzzing (fast-check) of what reads hand annotations from files: the project-file
 * reader (parseProject) and every import format. Arbitrary text, arbitrary JSON, valid files
 * damaged at random and valid JSON with random values put in random places: read, or refused
 * with AnnotationFormatError; never another exception or a hang.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FORMAT_IDS, formats } from '../../common/annotations/formats'
import { parseProject } from '../../common/annotations/validate'
import { filledSet, framePtsOf, projectWith, testVideo } from '../support/annotations'
import { damage, FUZZ_RUNS, outcome } from './fuzz-runs'

const framePts = framePtsOf(400)
const sets = [filledSet('ann', 12, 3, framePts), filledSet('ben', 5, 1, framePts)]
const context = { video: testVideo, framePts }
const allowed = ['ok', 'AnnotationFormatError']
const edits = fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'set', 'cut', 'insert'), value: fc.nat(255) }), { minLength: 1, maxLength: 6 })
const damaged = (text: string) => edits.map((e) => new TextDecoder().decode(damage(new TextEncoder().encode(text), e)))

/** A JSON value with one random value put at a random path (replacing what was there). */
function graft(value: unknown, path: number[], replacement: unknown): unknown {
  if (!path.length || value === null || typeof value !== 'object') return replacement
  const keys = Object.keys(value)
  if (!keys.length) return replacement
  const key = keys[path[0] % keys.length]
  const copy: Record<string, unknown> = Array.isArray(value) ? [...value] as never : { ...value }
  copy[key] = graft((value as Record<string, unknown>)[key], path.slice(1), replacement)
  return copy
}
const grafted = (json: unknown) => fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue()).map(([path, v]) => JSON.stringify(graft(json, path, v)))

const readers: [string, string, (text: string) => unknown][] = [
  ['project file', JSON.stringify(projectWith(sets)), (t) => parseProject(t, 'fuzzed.json')],
  ...FORMAT_IDS.map((id): [string, string, (text: string) => unknown] => [`import format ${id}`, formats[id].write(sets, context), (t) => formats[id].read(t, context)]),
]

describe.each(readers)('%s', (_name, valid, read) => {
  const property = (texts: fc.Arbitrary<string>) => fc.assert(fc.property(texts, (t) => allowed.includes(outcome(() => read(t)))), { numRuns: FUZZ_RUNS })
  it('the valid file reads', () => expect(outcome(() => read(valid))).toBe('ok'))
  it('arbitrary text', () => property(fc.string({ maxLength: 2000, unit: 'binary' })))
  it('arbitrary JSON', () => property(fc.jsonValue().map((v) => JSON.stringify(v))))
  it('the valid file damaged byte by byte', () => property(damaged(valid)))
  it('the valid file with random values grafted in', () => {
    let json: unknown
    try {
      json = JSON.parse(valid)
    } catch {
      return // CSV: covered by the byte-level damage
    }
    property(grafted(json))
  })
})
