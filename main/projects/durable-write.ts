/**
 * Writing a file so that a crash or power cut at any moment leaves either the old content or the
 * new, never a mix, a truncation or an empty file: write a temporary file beside it, fsync it,
 * rename it over the target (atomic on POSIX and NTFS), then fsync the folder so the rename
 * itself is on disk. Written here rather than with write-file-atomic because that package does
 * not fsync the folder, which is the step that makes the rename survive a power cut.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Name of a temporary file beside `file`; `isTemporaryOf` recognises leftovers of a killed writer. */
export const temporaryName = (file: string): string => join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)

export const isTemporaryOf = (file: string, candidate: string): boolean => candidate.startsWith(`.${basename(file)}.`) && candidate.endsWith('.tmp')

/** Atomically replaces `file` with `data`; on return the new content is on disk. */
export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = temporaryName(file)
  const handle = await open(tmp, 'wx', 0o644)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } catch (e) {
    await handle.close().catch(() => {})
    await rm(tmp, { force: true })
    throw e
  }
  await handle.close()
  try {
    await rename(tmp, file)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
  await syncFolder(dirname(file))
}

/** fsync of a folder: makes a rename or a new file in it durable. Windows cannot open folders for it (and needs no such step). */
export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
