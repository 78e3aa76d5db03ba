/**
 * A write that failed because there is no room (a full disk, a quota, a file-size limit), in
 * words: which file, and that what was saved before it is kept (every writer here either appends
 * whole chunks or replaces a file atomically, so a failed write never damages earlier work).
 */
const NO_ROOM: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file size limit was reached',
}

export function describeNoRoom(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException | undefined
  const why = err && typeof err.code === 'string' ? NO_ROOM[err.code] : undefined
  if (!why) return null
  const where = err!.path ? ` writing ${err!.path}` : ''
  return `Could not save: ${why}${where} (${err!.code}). What was saved before is kept; free some space and try again.`
}
