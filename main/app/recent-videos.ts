/**
 * The recent-videos list: a JSON array of paths, newest first, at most RECENT_MAX. Writes are
 * queued one after another and atomic (temporary file, then rename); a missing or unreadable
 * file starts a new list, and a failed write is logged, never an error for the caller.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

const RECENT_MAX = 20

export interface RecentVideos {
  /** The listed videos that still exist. */
  list(): Promise<string[]>
  /** Moves (or adds) `path` to the top; resolves once written. */
  add(path: string): Promise<void>
  /** Resolves once every queued write has finished. */
  flush(): Promise<void>
}

export function createRecentVideos(file: string): RecentVideos {
  const read = async (): Promise<string[]> => {
    try {
      const list: unknown = JSON.parse(await readFile(file, 'utf8'))
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : []
    } catch {
      return [] // missing or unreadable: start a new list
    }
  }

  let writing = Promise.resolve()
  return {
    list: async () => (await read()).filter((p) => existsSync(p)),
    add(path) {
      writing = writing
        .then(async () => {
          const list = [path, ...(await read()).filter((p) => p !== path)].slice(0, RECENT_MAX)
          await mkdir(dirname(file), { recursive: true })
          const tmp = `${file}.${process.pid}.tmp`
          await writeFile(tmp, JSON.stringify(list, null, 1))
          await rename(tmp, file)
        })
        .catch((e) => console.error('[tokenscope] could not save the recent-videos list:', e))
      return writing
    },
    flush: () => writing,
  }
}
