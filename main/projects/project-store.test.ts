import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openProjectStore, type StoreChange } from './project-store'
import { parseProject } from '../../common/annotations/validate'
import { newSet } from '../../common/annotations/model'
import { filledSet, framePtsOf, projectWith, testVideo } from '../../tests/support/annotations'

const pts = framePtsOf(500)
const fresh = () => projectWith([filledSet('a', 10, 2, pts)])
const folder = () => mkdtempSync(join(tmpdir(), 'ts-projects-'))
const kf = (id: string, frame: number) => ({ id, sourceFrame: frame, pts: pts[frame], label: '', note: '' })
const onDisk = (file: string) => parseProject(readFileSync(file, 'utf8'), file)

describe('project store', () => {
  it('writes nothing until the first edit, then every edit, atomically (no temporary file left)', async () => {
    const dir = folder()
    const file = join(dir, 'p.json')
    const store = await openProjectStore({ file, initial: fresh() })
    expect(existsSync(file)).toBe(false)
    const setId = store.project.sets[0].id
    for (let i = 0; i < 50; i++) store.apply({ type: 'add-keyframe', setId, keyframe: kf(`n${i}`, 100 + i) })
    expect(store.project.revision).toBe(50)
    await store.flush()
    const saved = onDisk(file)
    expect(saved).toEqual(store.project)
    expect(saved.sets[0].keyframes).toHaveLength(60)
    await store.close()
    expect(readdirSync(dir).sort()).toEqual(['p.json'])
  })

  it('two processes on one file: each takes in the other\'s edits, none is overwritten', async () => {
    const file = join(folder(), 'p.json')
    const first = await openProjectStore({ file, initial: fresh() })
    const setId = first.project.sets[0].id
    first.apply({ type: 'add-keyframe', setId, keyframe: kf('one', 200) })
    await first.flush()
    const second = await openProjectStore({ file, initial: fresh() })
    const resets: StoreChange[] = []
    first.on((c) => c.kind === 'reset' && resets.push(c))
    second.apply({ type: 'add-keyframe', setId, keyframe: kf('two', 201) })
    await second.flush()
    // `first` has not seen the file change; its next edit must merge, not overwrite.
    first.apply({ type: 'add-set', set: newSet({ id: 'b', name: 'b' }) })
    await first.flush()
    const saved = onDisk(file)
    expect(saved.sets[0].keyframes.map((k) => k.id)).toEqual(expect.arrayContaining(['one', 'two']))
    expect(saved.sets.map((s) => s.name)).toEqual(['a', 'b'])
    expect(resets).toHaveLength(1)
    expect(first.project).toEqual(saved)
    // And an idle store picks up the other's change by itself.
    const watching = await openProjectStore({ file, initial: fresh(), watchMs: 20 })
    const seen = new Promise<StoreChange>((ok) => watching.on(ok))
    first.apply({ type: 'remove-set', setId: 'b' })
    await first.flush()
    expect((await seen).kind).toBe('reset')
    expect(watching.project.sets.map((s) => s.name)).toEqual(['a'])
    await Promise.all([first.close(), second.close(), watching.close()])
  })

  for (const [what, damage, problem] of [
    ['damaged', (text: string) => text.slice(0, text.length / 2), /not valid JSON/],
    ['newer-version', (text: string) => text.replace('"version": 1', '"version": 3'), /written by a newer TokenScope \(format version 3/],
  ] as const) {
    it(`a ${what} file is reported naming it, never overwritten, and the last good state is offered`, async () => {
      const dir = folder()
      const file = join(dir, 'p.json')
      const store = await openProjectStore({ file, initial: fresh() })
      const setId = store.project.sets[0].id
      store.apply({ type: 'add-keyframe', setId, keyframe: kf('early', 300) })
      await store.close()
      // A second session: its first save keeps the file it opened as the backup.
      const again = await openProjectStore({ file, initial: fresh() })
      again.apply({ type: 'add-keyframe', setId, keyframe: kf('later', 301) })
      await again.close()
      const bad = damage(readFileSync(file, 'utf8'))
      writeFileSync(file, bad)

      const reopened = await openProjectStore({ file, initial: fresh() })
      expect(reopened.problem?.message).toContain(file)
      expect(reopened.problem?.message).toMatch(problem)
      expect(reopened.project.sets[0].keyframes.map((k) => k.id)).toContain('early')
      expect(() => reopened.apply({ type: 'remove-set', setId })).toThrow(/read-only/)
      await reopened.flush()
      expect(readFileSync(file, 'utf8')).toBe(bad)

      const aside = await reopened.recover()
      expect(readFileSync(aside, 'utf8')).toBe(bad)
      expect(onDisk(file).sets[0].keyframes.map((k) => k.id)).toContain('early')
      reopened.apply({ type: 'remove-set', setId })
      await reopened.close()
      expect(onDisk(file).sets).toHaveLength(0)
    })
  }

  it('save as: moves to the new file; refuses a file holding another video\'s project', async () => {
    const dir = folder()
    const store = await openProjectStore({ file: join(dir, 'p.json'), initial: fresh() })
    const other = join(dir, 'other.json')
    writeFileSync(other, JSON.stringify(projectWith([], { ...testVideo, fingerprint: 'f'.repeat(32), path: '/x/else.mp4' })))
    await expect(store.moveTo(other)).rejects.toThrow(/holds the project of another video \(\/x\/else.mp4\)/)
    const target = join(dir, 'chosen.json')
    await store.moveTo(target)
    store.apply({ type: 'update-set', setId: store.project.sets[0].id, fields: { annotator: 'me' } })
    await store.close()
    expect(onDisk(target).sets[0].annotator).toBe('me')
  })
})
