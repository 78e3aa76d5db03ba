/**
 * Opening a video's project, the same way for the app and the CLI: the video's content
 * fingerprint finds the project (locate.ts), a project file the user names must belong to that
 * video, and a video found at a new path is recorded there (with a notice).
 */
import { resolve } from 'node:path'
import { newProject, type VideoRef } from '../../common/annotations/model'
import { fingerprintVideo } from '../video/fingerprint'
import { probeVideo } from '../video/probe'
import { checkProjectFor, locateProject, pointTo } from './locate'
import { openProjectStore, type ProjectStore } from './project-store'

export interface VideoProject {
  /** The video's content fingerprint. */
  projectId: string
  videoPath: string
  store: ProjectStore
  notices: string[]
}

export interface OpenVideoProjectOptions {
  projectsDir: string
  /** A project file the user chose (refused when it is another video's); it becomes the video's project. */
  file?: string
  /** See ProjectStoreOptions.watchMs. */
  watchMs?: number
}

/** The video's content fingerprint (its project id). */
export const projectIdOf = (videoPath: string): Promise<string> => fingerprintVideo(resolve(videoPath))

/** The video as a project names it: where it is, its content fingerprint, duration and frame rate. */
export async function videoRefOf(videoPath: string): Promise<VideoRef> {
  const path = resolve(videoPath)
  const [fingerprint, info] = await Promise.all([fingerprintVideo(path), probeVideo(path)])
  return { path, fingerprint, duration: info.duration, fps: info.fps }
}

export async function openVideoProject(videoPath: string, opts: OpenVideoProjectOptions): Promise<VideoProject> {
  const video = await videoRefOf(videoPath)
  const { path, fingerprint } = video
  let file: string
  const notices: string[] = []
  if (opts.file) {
    file = resolve(opts.file)
    await checkProjectFor(file, fingerprint)
    await pointTo(opts.projectsDir, fingerprint, file)
  } else {
    const located = await locateProject(opts.projectsDir, { path, fingerprint })
    file = located.file
    notices.push(...located.notices)
  }
  const store = await openProjectStore({ file, initial: newProject(video), watchMs: opts.watchMs })
  const recorded = store.project.video.path
  if (!store.problem && recorded !== path) {
    store.apply({ type: 'update-video', fields: { path } })
    notices.push(`This video was found by its content: its project was made when it was at ${recorded}.`)
  }
  return { projectId: fingerprint, videoPath: path, store, notices }
}
