/**
 * The annotation projects open in the app, one store per video (main/projects/project-store.ts),
 * behind the `annotations:*` channels. Every window's edits go through the one store of the
 * project, which applies them in order and pushes each applied edit to every window as
 * `annotations:changed` (and the whole project after another process changed the file).
 */
import { resolve } from 'node:path'
import type { AnnotationEdit, AnnotationsChange, ProjectView } from '../../common/ipc/contract'
import { pointTo } from '../projects/locate'
import type { ProjectStore } from '../projects/project-store'
import { openVideoProject, projectIdOf } from '../projects/video-project'
import { AppError } from './errors'

/** How often an open project looks for changes other processes made (ms). */
const WATCH_MS = 1000

export interface AnnotationProjects {
  open(videoPath: string, file?: string): Promise<ProjectView>
  edit(req: AnnotationEdit): Promise<{ revision: number }>
  saveAs(projectId: string, file: string): Promise<ProjectView>
  recover(projectId: string): Promise<ProjectView>
  /** Saves everything and closes the stores. */
  close(): Promise<void>
}

interface Open {
  store: ProjectStore
  notices: string[]
  unsubscribe: () => void
}

export function createAnnotationProjects(opts: { projectsDir: () => string; emit: (change: AnnotationsChange) => void }): AnnotationProjects {
  const open = new Map<string, Open>()
  const opening = new Map<string, Promise<Open>>()

  const viewOf = (projectId: string, o: Open): ProjectView => {
    const p = o.store.problem
    return {
      projectId,
      file: o.store.file,
      project: o.store.project,
      appliedSeqs: o.store.appliedSeqs(),
      ...(p ? { problem: { kind: p.problem, message: p.message } } : {}),
      notices: o.notices,
    }
  }

  const attach = (projectId: string, store: ProjectStore, notices: string[]): Open => {
    const o: Open = { store, notices, unsubscribe: () => {} }
    o.unsubscribe = store.on((c) => {
      if (c.kind === 'op') opts.emit({ projectId, kind: 'op', revision: c.revision, op: c.op, ...(c.origin ? { clientId: c.origin.clientId, seq: c.origin.seq } : {}) })
      else if (c.kind === 'reset') opts.emit({ projectId, kind: 'reset', view: viewOf(projectId, o), message: c.message })
      else opts.emit({ projectId, kind: 'problem', message: c.message })
    })
    open.set(projectId, o)
    return o
  }

  const get = (projectId: string): Open => {
    const o = open.get(projectId)
    if (!o) throw new AppError('no-project', 'This annotation project is not open any more; open the video again')
    return o
  }

  async function openFor(videoPath: string, chosen?: string): Promise<{ projectId: string; o: Open }> {
    const projectId = await projectIdOf(videoPath)
    const already = open.get(projectId)
    if (already && (!chosen || resolve(chosen) === already.store.file)) return { projectId, o: already }
    const key = `${projectId}|${chosen ?? ''}`
    let pending = opening.get(key)
    if (!pending) {
      pending = (async () => {
        const opened = await openVideoProject(videoPath, { projectsDir: opts.projectsDir(), file: chosen, watchMs: WATCH_MS })
        const before = open.get(projectId)
        if (before) {
          before.unsubscribe()
          await before.store.close()
        }
        return attach(projectId, opened.store, opened.notices)
      })().finally(() => opening.delete(key))
      opening.set(key, pending)
    }
    return { projectId, o: await pending }
  }

  return {
    async open(videoPath, file) {
      const { projectId, o } = await openFor(videoPath, file)
      return viewOf(projectId, o)
    },
    async edit({ projectId, clientId, seq, op }) {
      const o = get(projectId)
      if (seq <= o.store.lastSeq(clientId)) return { revision: o.store.project.revision } // a resend: already applied
      return { revision: o.store.apply(op, { clientId, seq }) }
    },
    async saveAs(projectId, file) {
      const o = get(projectId)
      const target = resolve(file)
      await o.store.moveTo(target)
      await pointTo(opts.projectsDir(), projectId, target)
      return viewOf(projectId, o)
    },
    async recover(projectId) {
      const o = get(projectId)
      const aside = await o.store.recover()
      o.notices = [...o.notices, `The unreadable file was kept as ${aside}.`]
      return viewOf(projectId, o)
    },
    async close() {
      const all = [...open.values()]
      open.clear()
      await Promise.allSettled(all.map(async (o) => {
        o.unsubscribe()
        await o.store.close()
      }))
    },
  }
}
