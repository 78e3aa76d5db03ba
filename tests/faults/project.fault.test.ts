/**
 * Faults while hand annotations are saved (the built CLI's `annotations import`, which saves
 * through the same project store as the app): killed in the middle of the write, the disk full
 * during it, the project file damaged on disk. After each, the project holds exactly what it held
 * before, the user is told, and the next run saves (or recovers). Random kills over hundreds of
 * saves are project-kill.fault.test.ts.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openVideoProject } from '../../main/projects/video-project'
import { makeClip } from '../fixtures/videos'
import { runCli, withPreload, writeFault } from './support/faults'

let source: string
beforeAll(async () => {
  source = await makeClip({ seconds: 6, fps: 25, width: 160, height: 96, kind: 'testsrc' })
})

/** A video with a saved project holding set "ann" (two keyframes), and a second file to import. */
function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'ts-fault-project-'))
  const video = join(dir, 'walk.mp4')
  copyFileSync(source, video)
  const projects = join(dir, 'projects')
  const env = { TOKENSCOPE_PROJECTS_DIR: projects }
  writeFileSync(join(dir, 'a.csv'), 'set,kind,source_frame,pts\nann,keyframe,25,1\nann,keyframe,50,2\n')
  writeFileSync(join(dir, 'b.csv'), 'set,kind,source_frame,pts\nben,keyframe,75,3\n')
  const projectFile = () => join(projects, readdirSync(projects).find((n) => n.endsWith('.tokenscope.json'))!)
  const sets = async () => JSON.parse((await runCli(['annotations', 'list', video, '--json'], env)).stdout).project.sets.map((s: { name: string; keyframes: unknown[] }) => [s.name, s.keyframes.length])
  return { dir, video, env, projectFile, sets, importB: (extra: Record<string, string> = {}) => runCli(['annotations', 'import', video, join(dir, 'b.csv'), '--json'], { ...env, ...extra }) }
}

describe('faults while annotations are saved', () => {
  it('killed in the middle of the save: the project is as before, the next import saves', async () => {
    const s = setUp()
    expect((await runCli(['annotations', 'import', s.video, join(s.dir, 'a.csv')], s.env)).code).toBe(0)
    const before = readFileSync(s.projectFile())
    const r = await s.importB(withPreload(writeFault, { TOKENSCOPE_TEST_WRITE_FAULT: 'kill', TOKENSCOPE_TEST_WRITE_PATH: 'tokenscope\\.json\\.\\d+\\.[0-9a-f]+\\.tmp$' }))
    expect(r.signal).toBe('SIGKILL')
    expect(readFileSync(s.projectFile()).equals(before)).toBe(true)
    expect((await s.importB()).code).toBe(0)
    expect(await s.sets()).toEqual(expect.arrayContaining([['ann', 2], ['ben', 1]]))
    // What the killed writer left beside the project is cleared when it is next opened.
    expect(readdirSync(join(s.dir, 'projects')).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('the disk full during the save: said, nothing reported as imported, the project as before, the next import saves', async () => {
    const s = setUp()
    expect((await runCli(['annotations', 'import', s.video, join(s.dir, 'a.csv')], s.env)).code).toBe(0)
    const before = readFileSync(s.projectFile())
    const r = await s.importB(withPreload(writeFault, { TOKENSCOPE_TEST_WRITE_FAULT: 'enospc', TOKENSCOPE_TEST_WRITE_PATH: '\\.tmp$' }))
    expect(r.code).toBe(1)
    expect(r.stdout).not.toMatch(/imported|"keyframes"/)
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/)
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^tokenscope annotations: Could not save: the disk is full writing .*\.tmp \(ENOSPC\)\. What was saved before is kept; free some space and try again\.$/)
    expect(readFileSync(s.projectFile()).equals(before)).toBe(true)
    expect((await s.importB()).code).toBe(0)
    expect(await s.sets()).toEqual(expect.arrayContaining([['ann', 2], ['ben', 1]]))
  })

  it('a damaged project file: said, kept byte for byte, and recovered from the last good state', async () => {
    const s = setUp()
    expect((await runCli(['annotations', 'import', s.video, join(s.dir, 'a.csv')], s.env)).code).toBe(0)
    // Opening it again refreshes its backup: the last good state, with set "ann".
    expect((await runCli(['annotations', 'list', s.video], s.env)).code).toBe(0)
    const file = s.projectFile()
    const damaged = readFileSync(file).subarray(0, 300)
    writeFileSync(file, damaged)
    const r = await s.importB()
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stdout).not.toMatch(/imported/)
    expect(r.stderr).toMatch(/^tokenscope annotations: .*Open the video in the app to recover the last good state\.$/m)
    expect(readFileSync(file).equals(damaged)).toBe(true)
    // The app's recovery: the damaged file moves aside unchanged, the last good state (the backup) is saved in its place.
    const project = await openVideoProject(s.video, { projectsDir: join(s.dir, 'projects') })
    expect(project.store.problem).not.toBeNull()
    const aside = await project.store.recover()
    await project.store.close()
    expect(readFileSync(aside).equals(damaged)).toBe(true)
    expect(await s.sets()).toEqual(expect.arrayContaining([['ann', 2]]))
  })
})
