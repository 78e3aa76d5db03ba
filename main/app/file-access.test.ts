/**
 * File access through the services (as both shells call them, through dispatch): only videos
 * opened in this session, only project files; `..` paths and symlinks are resolved before the
 * check, so neither reaches a file the user did not open.
 */
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError, FrameTable, ProjectView, QuickLook } from '../../common/ipc/contract'
import type { VideoInfo } from '../../common/video'
import { parseProject } from '../../common/annotations/validate'
import { makeClip } from '../../tests/fixtures/videos'
import { dispatch } from './dispatch'
import { type AppServices, createAppServices } from './services'

let dir: string
let videos: string
let projects: string
let services: AppServices
/** Opened in this session. */
let clip: string
/** Never opened: a good video all the same, so a refusal is the registry's, not the file's. */
let other: string

const call = async <T>(channel: string, payload?: unknown): Promise<T> => {
  const reply = await dispatch(services, channel, payload)
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code}: ${reply.error.message}`)
  return reply.result as T
}
const fail = async (channel: string, payload?: unknown): Promise<ApiError> => {
  const reply = await dispatch(services, channel, payload)
  if (reply.ok) throw new Error(`${channel} unexpectedly succeeded`)
  return reply.error
}

/** Every channel that takes a video path, asked about `path`. */
const videoRequests = (path: string): [string, unknown][] => [
  ['video:quick-look', { path }],
  ['video:frame', { path, pts: 0 }],
  ['video:frame-table', { path }],
  ['video:source-frame', { path, index: 0 }],
  ['analysis:start', { path, modelId: 'tokenscope-dct16', sampling: { mode: 'fps', fps: 1 } }],
  ['annotations:open', { videoPath: path }],
]

/** `/etc/passwd` reached from the videos folder with `..` segments (not normalised away: join would). */
const passwdUp = () => `${videos}${`${sep}..`.repeat(12)}${sep}etc${sep}passwd`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenscope-file-access-'))
  videos = join(dir, 'videos')
  projects = join(dir, 'projects')
  mkdirSync(videos)
  clip = join(videos, 'talk.mp4')
  other = join(videos, 'other.mp4')
  copyFileSync(await makeClip({ seconds: 2, fps: 10, width: 64, height: 48, kind: 'testsrc' }), clip)
  copyFileSync(await makeClip({ seconds: 2, fps: 10, width: 64, height: 48, kind: 'static' }), other)
  services = createAppServices({ shell: 'browser', cacheDir: join(dir, 'cache'), recentFile: join(dir, 'recent.json'), projectsDir: projects })
  await call<VideoInfo>('video:probe', { path: clip })
})

afterAll(async () => {
  await services?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('videos: only those opened in this session', () => {
  it('every video channel refuses a video that was not opened, and serves it once it is', async () => {
    for (const [channel, payload] of videoRequests(other)) {
      const refused = await fail(channel, payload)
      expect(refused, channel).toMatchObject({ code: 'not-opened' })
      expect(refused.message).toContain(other)
      expect(refused.message).toMatch(/open it first/)
    }
    await call<VideoInfo>('video:probe', { path: other })
    expect((await call<FrameTable>('video:frame-table', { path: other })).pts.length).toBe(20)
    expect((await call<ProjectView>('annotations:open', { videoPath: other })).file.startsWith(projects)).toBe(true)
  })

  it('an opened video is served under any spelling of its path', async () => {
    const dotted = `${videos}${sep}..${sep}videos${sep}.${sep}talk.mp4`
    expect((await call<FrameTable>('video:frame-table', { path: dotted })).pts.length).toBe(20)
    expect((await call<QuickLook>('video:quick-look', { path: dotted })).keyframePts.length).toBeGreaterThan(0)
  })

  it('../../etc/passwd is neither opened nor served', async () => {
    const passwd = passwdUp()
    expect(await fail('video:probe', { path: passwd })).toMatchObject({ code: 'not-video' })
    for (const [channel, payload] of videoRequests(passwd)) expect(await fail(channel, payload), channel).toMatchObject({ code: 'not-opened' })
    // Relative to the host's working folder too.
    for (const [channel, payload] of videoRequests('../../../../../../../../etc/passwd')) expect(await fail(channel, payload), channel).toMatchObject({ code: 'not-opened' })
  })

  it('a symlink is resolved: one pointing outside is refused, and re-pointing an opened link reaches nothing new', async () => {
    const toPasswd = join(videos, 'evil.mp4')
    symlinkSync('/etc/passwd', toPasswd)
    expect(await fail('video:probe', { path: toPasswd })).toMatchObject({ code: 'not-video' })
    expect(await fail('video:frame-table', { path: toPasswd })).toMatchObject({ code: 'not-opened' })

    // A link to a video outside the folder opens that video (its real path) …
    const elsewhere = mkdtempSync(join(tmpdir(), 'tokenscope-file-access-outside-'))
    try {
      const target = join(elsewhere, 'lecture.mp4')
      copyFileSync(clip, target)
      writeFileSync(join(elsewhere, 'secret.mp4'), readFileSync(other))
      const link = join(videos, 'lecture.mp4')
      symlinkSync(target, link)
      expect((await call<VideoInfo>('video:probe', { path: link })).path).toBe(target)
      expect((await call<FrameTable>('video:frame-table', { path: target })).pts.length).toBe(20)
      expect((await call<FrameTable>('video:frame-table', { path: link })).pts.length).toBe(20)
      // … and the same link pointed at another file afterwards reaches nothing.
      unlinkSync(link)
      symlinkSync(join(elsewhere, 'secret.mp4'), link)
      for (const [channel, payload] of videoRequests(link)) expect(await fail(channel, payload), channel).toMatchObject({ code: 'not-opened' })
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it('what is not a regular file is not opened', async () => {
    const folder = join(videos, 'folder.mp4')
    mkdirSync(folder)
    expect(await fail('video:probe', { path: folder })).toMatchObject({ code: 'not-a-file' })
    expect(await fail('video:frame-table', { path: folder })).toMatchObject({ code: 'not-a-file' })
    expect(await fail('video:probe', { path: '/dev/zero' })).toMatchObject({ code: 'not-a-file' })
  })

  it('the demo clip is opened by asking for it', async () => {
    const demo = await call<string>('video:demo')
    expect((await call<FrameTable>('video:frame-table', { path: demo })).pts.length).toBeGreaterThan(0)
  })
})

describe('project files: only files named as projects, in folders that exist', () => {
  const edit = async (view: ProjectView, seq: number, name: string) =>
    call('annotations:edit', { projectId: view.projectId, clientId: 'w', seq, op: { type: 'update-set', setId: view.project.sets[0].id, fields: { name } } })

  it('save as and open refuse other names, ../../etc/passwd, missing folders, links out and files that are not projects', async () => {
    const view = await call<ProjectView>('annotations:open', { videoPath: clip })
    const passwd = passwdUp()
    const notes = join(dir, 'notes.tokenscope.json')
    writeFileSync(notes, 'my own notes, not a project\n')
    const linkOut = join(dir, 'link.tokenscope.json')
    symlinkSync('/etc/passwd', linkOut)
    const refusals: [string, string][] = [
      [join(dir, 'mine.json'), 'not-a-project-file'],
      [passwd, 'not-a-project-file'],
      [join(dir, 'no-such-folder', 'x.tokenscope.json'), 'not-a-project-file'],
      [linkOut, 'not-a-project-file'],
      [join(projects, `${view.projectId}.where.json`), 'not-a-project-file'],
      [`${view.file}.bak`, 'not-a-project-file'],
      [notes, 'annotation-project'],
    ]
    for (const [file, code] of refusals) {
      expect(await fail('annotations:save-as', { projectId: view.projectId, file }), file).toMatchObject({ code })
      expect(await fail('annotations:open', { videoPath: clip, file }), file).toMatchObject({ code })
    }
    expect(readFileSync(notes, 'utf8')).toBe('my own notes, not a project\n')
    expect(readFileSync('/etc/passwd', 'utf8')).toContain('root')
    expect((await call<ProjectView>('annotations:open', { videoPath: clip })).file).toBe(view.file)
  })

  it('a project file anywhere (through a link too) is saved at its real path, and opened from there', async () => {
    const view = await call<ProjectView>('annotations:open', { videoPath: clip })
    await edit(view, 1, 'shots')
    const chosen = join(dir, 'kept.tokenscope.json')
    expect((await call<ProjectView>('annotations:save-as', { projectId: view.projectId, file: chosen })).file).toBe(chosen)
    expect(parseProject(readFileSync(chosen, 'utf8')).sets[0].name).toBe('shots')

    // A link named anything, to a project file: resolved, so the file is written in place and the link stays a link.
    const link = join(videos, 'shortcut')
    symlinkSync(chosen, link)
    const viaLink = await call<ProjectView>('annotations:open', { videoPath: clip, file: `${videos}${sep}..${sep}videos${sep}shortcut` })
    expect(viaLink.file).toBe(chosen)
    expect(viaLink.project.sets[0].name).toBe('shots')
    await edit(viaLink, 2, 'scenes')
    expect((await call<ProjectView>('annotations:save-as', { projectId: view.projectId, file: link })).file).toBe(chosen)
    expect(parseProject(readFileSync(chosen, 'utf8')).sets[0].name).toBe('scenes')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
  })
})
