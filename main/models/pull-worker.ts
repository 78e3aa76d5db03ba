/**
 * Worker thread for `models:pull` in the app: the pull's graph read and probe runs are synchronous
 * native work of seconds on a real model, which must not block the UI's thread. Started by
 * pull-client.ts; built to out/main/pull-worker.js. One pull per worker, then it exits.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { pullModel } from './pull'
import type { PullReply, PullWorkerData } from './pull-client'

const port = parentPort
if (!port) throw new Error('pull-worker must run in a worker thread')
const { id, modelsDir, hubUrl } = workerData as PullWorkerData

pullModel(id, { modelsDir, hubUrl, onProgress: (progress) => port.postMessage({ type: 'progress', progress } satisfies PullReply) }).then(
  (result) => port.postMessage({ type: 'done', result } satisfies PullReply),
  (e: unknown) => {
    const err = e as Error & { code?: string }
    port.postMessage({ type: 'error', name: err.name ?? 'Error', code: err.code, message: err.message ?? String(e) } satisfies PullReply)
  },
)
