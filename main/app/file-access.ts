/**
 * Which host files the IPC may touch (the browser mode's shared GPU boxes make this matter).
 *
 * Videos: opening one (`video:probe`, the demo clip) registers its real path, and every other
 * channel that takes a video path is served only for a real path opened in this session; any other
 * path is refused with code 'not-opened'. Real paths, so `..` segments and symlinks are resolved
 * before the check: a link opened and then pointed elsewhere reaches nothing new.
 *
 * Project files (`annotations:open` with a file, `annotations:save-as`): their real path must end
 * in the project suffix and their folder must exist; an existing one must be a regular file (the
 * store then refuses to overwrite one that is not this video's project).
 */
import { realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { PROJECT_SUFFIX } from '../projects/locate'
import { AppError } from './errors'

export interface OpenedFiles {
  /**
   * Registers the video file at `path` once `check` (a probe) accepts its real path, and answers
   * what the check did; rejects with ENOENT, an AppError 'not-a-file' or the check's error.
   */
  open<T>(path: string, check: (real: string) => Promise<T>): Promise<T>
  /** The real path of `path` when this session opened it; an AppError 'not-opened' otherwise. */
  opened(path: string): Promise<string>
}

/** The real path of a regular file (ENOENT when missing, an AppError 'not-a-file' for a folder, device or pipe). */
async function realFile(path: string): Promise<string> {
  const real = await realpath(resolve(path))
  if (!(await stat(real)).isFile()) throw new AppError('not-a-file', `${path} is not a file: choose a video file`)
  return real
}

export function createOpenedFiles(): OpenedFiles {
  const reals = new Set<string>()
  return {
    async open(path, check) {
      const real = await realFile(path)
      const checked = await check(real)
      reals.add(real)
      return checked
    },
    async opened(path) {
      const real = await realFile(path)
      if (!reals.has(real)) throw new AppError('not-opened', `${path} was not opened in this session: open it first (choose it or type its path)`)
      return real
    },
  }
}

/**
 * Where a project file the user named may be read or written: its real path (the folder's and,
 * when it exists, the file's symlinks resolved). Refused (AppError 'not-a-project-file') unless
 * that path ends in PROJECT_SUFFIX, its folder exists and an existing file there is a regular file.
 */
export async function projectFilePath(file: string): Promise<string> {
  const refuse = (why: string) => new AppError('not-a-project-file', `${file} cannot be used as a project file: ${why}`)
  const typed = resolve(file)
  const folder = await realpath(dirname(typed)).catch(() => Promise.reject(refuse('its folder does not exist')))
  const inFolder = join(folder, basename(typed))
  const real = await realpath(inFolder).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? inFolder : Promise.reject(e)))
  if (!real.endsWith(PROJECT_SUFFIX)) throw refuse(`a project file's name ends in ${PROJECT_SUFFIX}`)
  const existing = await stat(real).catch(() => null)
  if (existing && !existing.isFile()) throw refuse('it is not a file')
  return real
}
