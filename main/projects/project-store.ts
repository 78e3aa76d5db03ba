/**
 * The one owner of a project file in a process: applies edits (ops) in the order they arrive,
 * tells every listener (each window) about each applied op, and keeps the file on disk current.
 *
 * Saving: the first edit starts a write at once; edits made while a write runs are written right
 * after it, all together. So an edit reaches the disk within about two writes (milliseconds for
 * thousands of keyframes), far inside the one second the app promises. Each write is atomic and
 * durable (durable-write.ts): killed at any moment, the file holds either the previous or the new
 * project, complete.
 *
 * Other processes (the CLI importing, a second app) may write the same file: writes happen under
 * the file's lock (file-lock.ts), and before each write the store checks whether the file changed
 * since it last wrote or read it. If it did, it reads it and re-applies its own unsaved edits on
 * top (ops name their targets by id, so they still mean the same), then writes: nobody's edits
 * are silently overwritten. While idle it checks the file every `watchMs` and takes in changes.
 *
 * A file it cannot read (damaged, or from a newer TokenScope) is never overwritten: the store
 * opens read-only with the backup's state (the last good file, `<file>.bak`: the file as it was
 * when last opened, refreshed every ten minutes while editing) and reports the problem; `recover()` moves
 * the bad file aside unchanged and saves the shown state in its place.
 */
import { mkdir, readFile, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Stats } from 'node:fs'
import type { AnnotationProject } from '../../common/annotations/model'
import { type AnnotationOp, applyOp } from '../../common/annotations/ops'
import { AnnotationFormatError, parseProject } from '../../common/annotations/validate'
import { removeLeftovers, writeFileDurable } from './durable-write'
import { clearStaleLock, withFileLock } from './file-lock'
import { backupFileOf, readBackup, readProjectFile, setAside } from './project-file'
import { ProjectError } from './project-error'
import { createProjectSerializer } from './serialize'

/** Who made an edit: a window (client) and its edit counter. */
export interface EditOrigin {
  clientId: string
  seq: number
}

export type StoreChange =
  | { kind: 'op'; revision: number; op: AnnotationOp; origin?: EditOrigin }
  /** The whole project changed (another process wrote the file, a recovery): windows take it as it is. */
  | { kind: 'reset'; project: AnnotationProject; message: string }
  /** Saving failed or stopped; the message says why and what to do. */
  | { kind: 'problem'; message: string }

export interface ProjectStoreOptions {
  file: string
  /** The project when the file does not exist yet; the file is written at the first edit. */
  initial: AnnotationProject
  /** How often (ms) to look for other processes' changes while idle; 0 never (one-shot CLI use). */
  watchMs?: number
}

export interface ProjectStore {
  readonly file: string
  readonly project: AnnotationProject
  /** Set while the file on disk cannot be read: the store is read-only until recover(). */
  readonly problem: AnnotationFormatError | null
  /** Applies an edit; returns the new revision. AnnotationOpError when it does not fit, ProjectError when read-only. */
  apply(op: AnnotationOp, origin?: EditOrigin): number
  /** The last seq applied from this client (0 if none), so a window can tell which of its edits are in. */
  lastSeq(clientId: string): number
  /** Every seq applied per client. */
  appliedSeqs(): Record<string, number>
  /** Resolves once every edit applied so far is on disk. */
  flush(): Promise<void>
  /** Save as: writes the project to `file` and keeps it there from now on. */
  moveTo(file: string): Promise<void>
  /** Moves the unreadable file aside (unchanged) and saves the shown state in its place; returns where it went. */
  recover(): Promise<string>
  on(listener: (change: StoreChange) => void): () => void
  close(): Promise<void>
}

/** While editing, the backup is refreshed at most this often. */
const BACKUP_EVERY_MS = 10 * 60_000
const RETRY_MS = 1000

const sameFile = (a: Stats | null, b: Stats | null) => (a === null || b === null ? a === b : a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs)
const statOrNull = (file: string) => stat(file).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)))

export async function openProjectStore(opts: ProjectStoreOptions): Promise<ProjectStore> {
  let file = opts.file
  let current = opts.initial
  let problem: AnnotationFormatError | null = null
  let diskStat: Stats | null = null
  /** The last good content written or read: the next backup. */
  let backupText: string | Uint8Array[] | null = null
  let backupAt = 0
  let backupWrite: Promise<void> = Promise.resolve()
  await removeLeftovers(file)
  await clearStaleLock(file)
  try {
    const text = await readFile(file, 'utf8')
    diskStat = await statOrNull(file)
    current = parseProject(text, file)
    // The file as opened is the last good state: kept as the backup (in the background; the first save waits for it).
    backupWrite = writeFileDurable(backupFileOf(file), text).catch((e: unknown) => console.error('[tokenscope] could not write the project backup:', e))
    backupAt = Date.now()
    backupText = text
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (!(e instanceof AnnotationFormatError)) throw e
      problem = e
      current = (await readBackup(file)) ?? opts.initial
    }
  }

  const listeners = new Set<(change: StoreChange) => void>()
  const emit = (change: StoreChange) => {
    for (const l of listeners) {
      try {
        l(change)
      } catch (e) {
        console.error('[tokenscope] project listener failed:', e)
      }
    }
  }
  const seqs = new Map<string, number>()
  const serialize = createProjectSerializer()
  let unsaved: AnnotationOp[] = []
  let writing: Promise<void> | null = null
  let retry: ReturnType<typeof setTimeout> | null = null
  let closed = false

  /** Inside the lock: the file changed under us; take it in and re-apply our unsaved edits on top. */
  const takeInDiskChanges = async (why: string) => {
    let disk: AnnotationProject
    try {
      disk = await readProjectFile(file)
    } catch (e) {
      if (!(e instanceof AnnotationFormatError)) throw e
      problem = e
      emit({ kind: 'problem', message: `${e.message}. It was changed by another program and is kept as it is; edits are not saved until you recover.` })
      throw new ProjectError(e.message)
    }
    if (disk.video.fingerprint !== current.video.fingerprint) {
      const message = `${file} now holds the project of another video (${disk.video.path}); your edits are kept in memory only`
      problem = new AnnotationFormatError(message, 'wrong-video')
      emit({ kind: 'problem', message })
      throw new ProjectError(message)
    }
    let merged = disk
    let kept = 0
    for (const op of unsaved) {
      try {
        merged = applyOp(merged, op).project
        kept++
      } catch {
        // the other writer removed what this edit was about
      }
    }
    current = { ...merged, revision: disk.revision + kept }
    diskStat = await statOrNull(file)
    emit({ kind: 'reset', project: current, message: why })
  }

  const saveLoop = async () => {
    if (unsaved.length) await mkdir(dirname(file), { recursive: true })
    await backupWrite
    while (unsaved.length && !problem) {
      await withFileLock(file, async () => {
        const now = await statOrNull(file)
        if (!sameFile(now, diskStat)) await takeInDiskChanges(`${file} was changed by another program: its changes and yours are both kept`)
        const ops = unsaved
        unsaved = []
        try {
          if (backupText !== null && Date.now() - backupAt > BACKUP_EVERY_MS) {
            await writeFileDurable(backupFileOf(file), backupText)
            backupAt = Date.now()
          }
          const text = serialize(current)
          await writeFileDurable(file, text)
          backupText = text
          diskStat = await statOrNull(file)
        } catch (e) {
          unsaved = [...ops, ...unsaved]
          throw e
        }
      })
    }
  }

  const scheduleSave = () => {
    if (writing || closed || problem) return
    writing = saveLoop()
      .catch((e: unknown) => {
        if (problem) return
        const message = `Could not save ${file} (${(e as Error).message}); trying again`
        console.error('[tokenscope]', message)
        emit({ kind: 'problem', message })
        retry ??= setTimeout(() => {
          retry = null
          scheduleSave()
        }, RETRY_MS)
      })
      .finally(() => (writing = null))
  }

  const watchOnce = async () => {
    if (writing || closed || problem || unsaved.length) return
    const now = await statOrNull(file).catch(() => diskStat)
    if (now === null || sameFile(now, diskStat)) return
    writing = withFileLock(file, () => takeInDiskChanges(`${file} was changed by another program; showing its new content`))
      .catch((e: unknown) => {
        if (!problem) console.error('[tokenscope] could not read the changed project:', e)
      })
      .finally(() => (writing = null))
  }
  const watcher = opts.watchMs ? setInterval(() => void watchOnce(), opts.watchMs) : null
  watcher?.unref()

  const flush = async () => {
    while (writing) await writing
  }

  return {
    get file() {
      return file
    },
    get project() {
      return current
    },
    get problem() {
      return problem
    },
    apply(op, origin) {
      if (problem) throw new ProjectError(`This project is read-only: ${problem.message}`)
      const { project } = applyOp(current, op)
      current = { ...project, revision: current.revision + 1 }
      unsaved.push(op)
      if (origin) seqs.set(origin.clientId, origin.seq)
      emit({ kind: 'op', revision: current.revision, op, origin })
      scheduleSave()
      return current.revision
    },
    lastSeq: (clientId) => seqs.get(clientId) ?? 0,
    appliedSeqs: () => Object.fromEntries(seqs),
    flush,
    async moveTo(target) {
      await flush()
      await mkdir(dirname(target), { recursive: true })
      await withFileLock(target, async () => {
        const existing = await readProjectFile(target).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)))
        if (existing && existing.video.fingerprint !== current.video.fingerprint) {
          throw new ProjectError(`${target} holds the project of another video (${existing.video.path}); choose another file`)
        }
        await writeFileDurable(target, serialize(current))
      })
      file = target
      diskStat = await statOrNull(file)
      backupText = null
    },
    async recover() {
      if (!problem) throw new ProjectError(`${file} has no problem to recover from`)
      await flush()
      const aside = await withFileLock(file, async () => {
        const moved = (await statOrNull(file)) ? await setAside(file, problem!.problem) : file
        await writeFileDurable(file, serialize(current))
        return moved
      })
      problem = null
      diskStat = await statOrNull(file)
      emit({ kind: 'reset', project: current, message: `The unreadable file was moved to ${aside}; the last good state is saved as ${file}` })
      scheduleSave()
      return aside
    },
    on(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async close() {
      closed = true
      if (watcher) clearInterval(watcher)
      if (retry) clearTimeout(retry)
      await flush()
      await backupWrite
      // A save that failed and waited for its retry: one last try.
      if (unsaved.length && !problem) await saveLoop()
    },
  }
}
