/**
 * Writes a file so that it is either the old one or the whole new one, also after a crash or a
 * power cut: a temporary file beside it, flushed to the disk, renamed over it, and the folder
 * flushed so the rename itself lasts.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path)
  await mkdir(dir, { recursive: true })
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const file = await open(tmp, 'w')
  try {
    await file.writeFile(data)
    await file.sync()
  } catch (e) {
    await file.close()
    await rm(tmp, { force: true })
    throw e
  }
  await file.close()
  try {
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
  const folder = await open(dir, 'r')
  try {
    await folder.sync()
  } finally {
    await folder.close()
  }
}
