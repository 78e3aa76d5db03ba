/**
 * The app's services behind the IPC contract, shared by every shell (Electron IPC, the
 * browser-mode WebSocket host, tests): one handler per channel of `Requests`, each a thin
 * adapter to the service of its concern (open videos, analysis jobs, quick look, method runs,
 * recent videos, the model and provider listing), and the pushed events.
 *
 * Handlers trust their payload's shape (dispatch.ts validated it) but not its meaning: paths may
 * not exist, ids may be unknown; they throw, and dispatch turns errors into ApiErrors. Video and
 * project paths pass file-access.ts first: only videos opened in this session, only project files.
 */
import type { Channel, EventChannel, Events, RequestOf, ResponseOf } from '../../common/ipc/contract'
import { methods } from '../../common/compression/registry'
import { describeMethod } from '../../common/compression/types'
import { defaultModelDirs, getModel, userModelsDirs } from '../encoder/registry'
import { createQueryEmbedder } from '../text/text-client'
import { probeVideo } from '../video/probe'
import { defaultCacheDir, projectsDir, recentVideosFile } from '../settings'
import { createFrameStepper } from '../video/frame-stepper'
import { createAnnotationProjects } from './annotation-projects'
import { createAnalysisJobs } from './analysis-jobs'
import { appInfo } from './app-info'
import { createEventHub } from './events'
import { createOpenedFiles, projectFilePath } from './file-access'
import { createMethodRuns } from './method-runs'
import { listModelInfo } from './model-list'
import { createModelPulls } from './model-pulls'
import { queryPatchRelevance, queryRelevance } from './query-relevance'
import { createOpenVideos } from './open-videos'
import { createQuickLooks } from './quick-look'
import { createRecentVideos } from './recent-videos'
import { createSweeps } from './sweeps'
import { createPreparedStore } from '../compute/prepared-store'
import { saveExport } from './exports'
import { frameImportance, frameSignals } from './token-signals'
import { demoVideo, frameImage } from './video-files'

export type Handlers = { [C in Channel]: (payload: RequestOf<C>) => Promise<ResponseOf<C>> }

export interface AppServices {
  shell: 'electron' | 'browser'
  handlers: Handlers
  /** Subscribes to pushed events; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void
  /** Cancels running analyses and waits for them to stop. */
  close(): Promise<void>
}

export interface AppServicesOptions {
  shell: 'electron' | 'browser'
  /** Token cache root (default: settings' defaultCacheDir()). */
  cacheDir?: string
  /** Model folders (default: the registry's). */
  modelsDirs?: string[]
  /** The recent-videos JSON file (default: settings' recentVideosFile()). */
  recentFile?: string
  /** Annotation projects folder (default: settings' projectsDir()). */
  projectsDir?: string
  /** Electron's native file dialog; browser mode has none (video:choose answers null). */
  chooseVideo?: () => Promise<string | null>
  /** Electron's native save dialog for an export named `name`; browser mode has none (export:save answers null). */
  chooseSavePath?: (name: string) => Promise<string | null>
  /** Where `models:pull` installs models (default: the first user models folder). */
  pullDir?: string
  /** The model hub (default: settings' hubUrl()). */
  hubUrl?: string
}

export function createAppServices(opts: AppServicesOptions): AppServices {
  const cacheDir = opts.cacheDir ?? defaultCacheDir()
  const events = createEventHub()
  const files = createOpenedFiles()
  const recent = createRecentVideos(opts.recentFile ?? recentVideosFile())
  const videos = createOpenVideos(cacheDir)
  const jobs = createAnalysisJobs({ cacheDir, videos, emit: events.emit, model: (id) => getModel(id, opts.modelsDirs), opened: recent.add })
  const quickLooks = createQuickLooks(events.emit)
  const embedder = createQueryEmbedder(cacheDir)
  /** What methods prepare, kept for single runs and sweeps alike. */
  const prepared = createPreparedStore()
  const methodRuns = createMethodRuns(videos, embedder, cacheDir, prepared)
  const pulls = createModelPulls({ emit: events.emit, pullDir: opts.pullDir ?? userModelsDirs()[0], modelsDirs: opts.modelsDirs, hubUrl: opts.hubUrl })
  const sweeps = createSweeps(videos, events.emit, embedder, cacheDir, prepared)
  const stepper = createFrameStepper()
  const projects = createAnnotationProjects({ projectsDir: () => opts.projectsDir ?? projectsDir(), emit: (change) => events.emit('annotations:changed', change) })

  const handlers: Handlers = {
    'app:info': () => appInfo({ shell: opts.shell, cacheDir, modelsDirs: opts.modelsDirs ?? defaultModelDirs() }),
    'models:list': () => listModelInfo(opts.modelsDirs),
    'methods:list': async () => methods.map(describeMethod),
    'video:choose': async () => (opts.chooseVideo ? opts.chooseVideo() : null),
    'video:recent': () => recent.list(),
    'video:probe': async ({ path }) => {
      const info = await files.open(path, (real) => probeVideo(real))
      await recent.add(info.path)
      return info
    },
    'video:demo': async () => {
      const path = await files.open(await demoVideo(cacheDir), async (real) => real)
      await recent.add(path)
      return path
    },
    'video:quick-look': async ({ path }) => quickLooks.start(await files.opened(path)),
    'video:frame': async ({ path, pts, maxWidth }) => frameImage(await files.opened(path), pts, maxWidth),
    'analysis:start': async (req) => jobs.start({ ...req, path: await files.opened(req.path) }),
    'analysis:cancel': ({ jobId }) => jobs.cancel(jobId),
    'tokens:signals': ({ videoKey }) => frameSignals(videos, videoKey),
    'tokens:importance': ({ videoKey, frame }) => frameImportance(videos, videoKey, frame),
    'method:run': (req) => methodRuns.run(req),
    'sweep:run': (req) => sweeps.run(req),
    'sweep:cancel': async ({ sweepId }) => sweeps.cancel(sweepId),
    'export:save': ({ name, bytes }) => saveExport(opts.chooseSavePath, name, bytes),
    'video:frame-table': async ({ path }) => stepper.table(await files.opened(path)),
    'video:source-frame': async ({ path, index, maxWidth }) => stepper.frame(await files.opened(path), index, maxWidth),
    'annotations:open': async ({ videoPath, file }) => projects.open(await files.opened(videoPath), file === undefined ? undefined : await projectFilePath(file)),
    'annotations:edit': (edit) => projects.edit(edit),
    'annotations:save-as': async ({ projectId, file }) => projects.saveAs(projectId, await projectFilePath(file)),
    'annotations:recover': ({ projectId }) => projects.recover(projectId),
    'tokens:relevance': ({ videoKey, query }) => queryRelevance(videos, embedder, videoKey, query),
    'tokens:patch-relevance': ({ videoKey, query, frame }) => queryPatchRelevance(videos, embedder, videoKey, query, frame),
    'models:pullable': () => pulls.pullable(),
    'models:pull': ({ id }) => pulls.pull(id),
  }

  return {
    shell: opts.shell,
    handlers,
    on: events.on,
    async close() {
      sweeps.close()
      stepper.close()
      await Promise.allSettled([jobs.close(), quickLooks.stop(), methodRuns.close(), embedder.close(), projects.close()])
      await recent.flush()
    },
  }
}
