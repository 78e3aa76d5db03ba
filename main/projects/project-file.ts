/**
 * A project file on disk: reading it (every problem reported with the file's name), its backup
 * (the last good content, `<file>.bak`) and setting a bad file aside without changing a byte of it.
 */
import { readFile, rename } from 'node:fs/promises'
import type { AnnotationProject } from '../../common/annotations/model'
import { type AnnotationFormatError, parseProject } from '../../common/annotations/validate'
import { syncFolder } from './durable-write'
import { dirname } from 'node:path'

export const backupFileOf = (file: string): string => `${file}.bak`

/** The project in `file`; AnnotationFormatError naming the file when it is damaged or newer; ENOENT when missing. */
export async function readProjectFile(file: string): Promise<AnnotationProject> {
  const text = await readFile(file, 'utf8')
  return parseProject(text, file)
}

/** The backup's project when it exists and is good; undefined otherwise. */
export async function readBackup(file: string): Promise<AnnotationProject | undefined> {
  try {
    return await readProjectFile(backupFileOf(file))
  } catch {
    return undefined
  }
}

/**
 * Moves a file the app cannot use out of the way, unchanged, so the last good state can be saved
 * in its place: `<file>.damaged-<time>` or `<file>.newer-<time>`. Returns the new path.
 */
export async function setAside(file: string, problem: AnnotationFormatError['problem']): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const aside = `${file}.${problem === 'newer-version' ? 'newer' : 'damaged'}-${stamp}`
  await rename(file, aside)
  await syncFolder(dirname(file))
  return aside
}
