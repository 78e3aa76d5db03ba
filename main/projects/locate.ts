/**
 * Where a video's project lives. By default one file per video in the projects folder, named
 * `<video name>.<content fingerprint>.tokenscope.json`: found by the fingerprint, so a moved or
 * renamed video finds its project again. A project the user saved elsewhere ("save as", or one
 * they opened from a path) is found through a pointer file `<fingerprint>.where.json` there.
 *
 * A project of another video that happens to have this video's name is never used for it: the
 * locator says so (the fingerprints differ), and opening such a file explicitly is refused.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { videoStem } from '../../common/annotations/formats/video-entries'
import type { AnnotationProject } from '../../common/annotations/model'
import { writeFileDurable } from './durable-write'
import { readProjectFile } from './project-file'
import { ProjectError } from './project-error'

/** How every project file's name ends. */
export const PROJECT_SUFFIX = '.tokenscope.json'

export interface Located {
  file: string
  notices: string[]
}

const pointerOf = (dir: string, fingerprint: string) => join(dir, `${fingerprint}.where.json`)

/** The project file for a video (which may not exist yet). */
export async function locateProject(dir: string, video: { path: string; fingerprint: string }): Promise<Located> {
  const notices: string[] = []
  const pointed = await readFile(pointerOf(dir, video.fingerprint), 'utf8').then(
    (text) => (JSON.parse(text) as { file?: unknown }).file,
    () => undefined,
  )
  if (typeof pointed === 'string') return { file: pointed, notices }
  const names = await readdir(dir).catch(() => [] as string[])
  const mine = names.find((n) => n.endsWith(`.${video.fingerprint}${PROJECT_SUFFIX}`))
  const stem = videoStem(video.path)
  for (const name of names) {
    const m = /^(.*)\.([0-9a-f]{32})\.tokenscope\.json$/.exec(name)
    if (m && m[1] === stem && m[2] !== video.fingerprint) {
      notices.push(`A project for another video named "${stem}" exists (${join(dir, name)}), but that video's content differs from this one (fingerprint ${m[2]}, this one ${video.fingerprint}): it is not used here.`)
    }
  }
  return { file: join(dir, mine ?? `${stem}.${video.fingerprint}${PROJECT_SUFFIX}`), notices }
}

/** From now on the video's project is `file` (after save as, or opening a project from a path). */
export async function pointTo(dir: string, fingerprint: string, file: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFileDurable(pointerOf(dir, fingerprint), JSON.stringify({ file }) + '\n')
}

/** A project file the user chose for a video: refused (ProjectError) when it belongs to another video. */
export async function checkProjectFor(file: string, fingerprint: string): Promise<AnnotationProject> {
  const project = await readProjectFile(file)
  if (project.video.fingerprint !== fingerprint) {
    throw new ProjectError(`${file} is the project of another video (${project.video.path}, fingerprint ${project.video.fingerprint}); this video's content differs (fingerprint ${fingerprint}), so it is not opened`)
  }
  return project
}
