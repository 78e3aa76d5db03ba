import { copyFileSync, mkdtempSync, readFileSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AnnotationsChange } from '../../common/ipc/contract'
import { parseProject } from '../../common/annotations/validate'
import { createAnnotationProjects } from './annotation-projects'
import { makeClip } from '../../tests/fixtures/videos'

const folder = () => mkdtempSync(join(tmpdir(), 'ts-annot-service-'))

async function setup() {
  const dir = folder()
  const videos = folder()
  const clip = join(videos, 'talk.mp4')
  copyFileSync(await makeClip({ seconds: 2, fps: 10, width: 64, height: 48, kind: 'testsrc' }), clip)
  const changes: AnnotationsChange[] = []
  const service = createAnnotationProjects({ projectsDir: () => dir, emit: (c) => changes.push(c) })
  return { dir, videos, clip, changes, service }
}

describe('annotation projects service', () => {
  it('one project per video, found again by content after a move; edits reach every window as events', async () => {
    const { dir, videos, clip, changes, service } = await setup()
    const view = await service.open(clip)
    expect(view.file.startsWith(dir)).toBe(true)
    expect(view.file).toMatch(new RegExp(`talk\\.${view.projectId}\\.tokenscope\\.json$`))
    const setId = view.project.sets[0].id
    const op = { type: 'add-keyframe' as const, setId, keyframe: { id: 'k', sourceFrame: 3, pts: 0.3, label: '', note: '' } }
    expect(await service.edit({ projectId: view.projectId, clientId: 'w1', seq: 1, op })).toEqual({ revision: 1 })
    // A resend of the same edit is not applied twice.
    expect(await service.edit({ projectId: view.projectId, clientId: 'w1', seq: 1, op })).toEqual({ revision: 1 })
    expect(changes).toEqual([{ projectId: view.projectId, kind: 'op', revision: 1, op, clientId: 'w1', seq: 1 }])
    await service.close()

    const moved = join(videos, 'renamed talk.mp4')
    renameSync(clip, moved)
    const again = createAnnotationProjects({ projectsDir: () => dir, emit: () => {} })
    const found = await again.open(moved)
    expect(found.file).toBe(view.file)
    expect(found.project.sets[0].keyframes.map((k) => k.id)).toEqual(['k'])
    expect(found.project.video.path).toBe(moved)
    expect(found.notices.join()).toMatch(/found by its content: its project was made when it was at .*talk\.mp4/)
    await again.close()
  })

  it('a different video under the same name gets its own project (with a notice); its project file is refused for this one', async () => {
    const { dir, videos, clip, service } = await setup()
    const first = await service.open(clip)
    await service.edit({ projectId: first.projectId, clientId: 'w', seq: 1, op: { type: 'update-set', setId: first.project.sets[0].id, fields: { annotator: 'ana' } } })
    await service.close()
    const other = join(folder(), 'talk.mp4')
    copyFileSync(await makeClip({ seconds: 2, fps: 10, width: 64, height: 48, kind: 'static' }), other)
    const s2 = createAnnotationProjects({ projectsDir: () => dir, emit: () => {} })
    const second = await s2.open(other)
    expect(second.projectId).not.toBe(first.projectId)
    expect(second.project.sets[0].annotator).toBe('')
    expect(second.notices.join()).toMatch(/another video named "talk" exists .* content differs/)
    await expect(s2.open(other, first.file)).rejects.toThrow(/is the project of another video .*talk\.mp4.* not opened/)
    // Save as: the project moves where the user said, and the video finds it there next time.
    const chosen = join(videos, 'mine.json')
    await s2.edit({ projectId: second.projectId, clientId: 'w', seq: 1, op: { type: 'update-set', setId: second.project.sets[0].id, fields: { name: 'shots' } } })
    expect((await s2.saveAs(second.projectId, chosen)).file).toBe(chosen)
    await s2.close()
    const s3 = createAnnotationProjects({ projectsDir: () => dir, emit: () => {} })
    expect((await s3.open(other)).file).toBe(chosen)
    expect(parseProject(readFileSync(chosen, 'utf8')).sets[0].name).toBe('shots')
    await s3.close()
  })
})
