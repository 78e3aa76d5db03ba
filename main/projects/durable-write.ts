/**
 * Writing a file so that a crash or power cut at any moment leaves either the old content or the
 * new, never a mix, a truncation or an empty file: write a temporary file beside it, fsync it,
 * rename it over the target (atomic on POSIX and NTFS), then fsync the folder so the rename
 * itself is on disk. Written here rather than with write-file-atomic because that package does
 * not fsync the folder, which is the step that makes the rename survive a power cut.
 */
import { randomBytes } from 'node:crypto'
import { type FileHandle, open, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Name of a temporary file beside `file`; `isTemporaryOf` recognises leftovers of a killed writer. */
export const temporaryName = (file: string): string => join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)

/**
 * Removes what writers of `file` killed mid-write left beside it: temporary files (and other
 * `<name>.<pid>.….tmp|stale` leftovers) of processes that no longer exist. Never touches `file`.
 */
export async function removeLeftovers(file: string): Promise<void> {
  const dir = dirname(file)
  const base = basename(file)
  const names = await readdir(dir).catch(() => [] as string[])
  const leftover = new RegExp(`^\\.?${escapeRegExp(base)}(?:\\.bak|\\.lock)?\\.(\\d+)\\.(?:[0-9a-f]+\\.tmp|stale)$`)
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(leftover.exec(name)?.[1])
      if (pid && !isAlive(pid)) await rm(join(dir, name), { force: true })
    }),
  )
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/** Atomically replaces `file` with `data` (or its pieces, in order); on return the new content is on disk. */
export async function writeFileDurable(file: string, data: string | Uint8Array | Uint8Array[]): Promise<void> {
  const tmp = temporaryName(file)
  const handle = await open(tmp, 'wx', 0o644)
  try {
    if (Array.isArray(data)) await writeAll(handle, data)
    else await handle.writeFile(data)
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

/** Pieces written with writev, IOV_MAX (1024) at a time. */
async function writeAll(handle: FileHandle, pieces: Uint8Array[]): Promise<void> {
  for (let i = 0; i < pieces.length; i += 1024) {
    const batch = pieces.slice(i, i + 1024)
    const total = batch.reduce((n, b) => n + b.byteLength, 0)
    const { bytesWritten } = await handle.writev(batch)
    // A short write (rare; disk full is an error instead): write the rest in one piece.
    if (bytesWritten < total) await handle.write(Buffer.concat(batch).subarray(bytesWritten))
  }
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
