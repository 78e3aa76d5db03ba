/**
 * A lock beside a file (`<file>.lock`, holding the owner's pid) so that two processes (the app and
 * the CLI, or two app instances) never write the same project at once: each write checks the file
 * on disk and merges what another process wrote (project-store.ts) while holding it.
 *
 * The lock file is created with O_EXCL. A lock whose owner is gone (killed: its pid no longer
 * exists) or that is older than STALE_MS is taken over: renamed away first, so that of two
 * processes taking over the same stale lock only one succeeds.
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises'
import { isAlive } from './durable-write'
import { ProjectError } from './project-error'

/** A holder writes for milliseconds; a lock this old belongs to a process that hung. */
const STALE_MS = 30_000
const WAIT_MS = 10_000
const RETRY_MS = 15

export const lockFileOf = (file: string): string => `${file}.lock`

/** Runs `fn` while holding the lock of `file`. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = lockFileOf(file)
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    try {
      const handle = await open(lock, 'wx')
      try {
        await handle.writeFile(`${process.pid}\n`)
      } finally {
        await handle.close()
      }
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    if (await isStale(lock)) {
      const away = `${lock}.${process.pid}.stale`
      await rename(lock, away).then(
        () => rm(away, { force: true }),
        () => {}, // another process took it over first
      )
      continue
    }
    if (Date.now() > deadline) throw new ProjectError(`${file} stays locked by another TokenScope process (${lock}); close it and try again`)
    await new Promise((r) => setTimeout(r, RETRY_MS))
  }
  try {
    return await fn()
  } finally {
    await rm(lock, { force: true })
  }
}

/** Removes the lock of `file` when its owner is gone (a writer killed while holding it). */
export async function clearStaleLock(file: string): Promise<void> {
  const lock = lockFileOf(file)
  if (await isStale(lock)) await rm(lock, { force: true })
}

async function isStale(lock: string): Promise<boolean> {
  let text: string
  let age: number
  try {
    ;[text, age] = await Promise.all([readFile(lock, 'utf8'), stat(lock).then((s) => Date.now() - s.mtimeMs)])
  } catch {
    return false // gone already: try again
  }
  if (age > STALE_MS) return true
  const pid = Number(text.trim())
  // Killed between creating the file and writing its pid.
  if (!Number.isInteger(pid) || pid <= 0) return age > 1000
  return !isAlive(pid)
}
