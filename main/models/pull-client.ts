/** `pullModel` in a worker thread (pull-worker.ts): progress as it comes, the result or the same error. */
import type { PullProgress } from '../../common/ipc/contract'
import { spawnWorker } from '../workers/spawn'
import { PullError, type PullErrorCode } from './hub'
import type { PullResult } from './pull'

export interface PullWorkerData {
  id: string
  modelsDir: string
  hubUrl?: string
}

export type PullReply =
  | { type: 'progress'; progress: PullProgress }
  | { type: 'done'; result: PullResult }
  | { type: 'error'; name: string; code?: string; message: string }

export function pullInWorker(data: PullWorkerData, onProgress: (p: PullProgress) => void): Promise<PullResult> {
  const worker = spawnWorker('models/pull-worker', data)
  return new Promise<PullResult>((resolve, reject) => {
    worker.on('message', (r: PullReply) => {
      if (r.type === 'progress') onProgress(r.progress)
      else if (r.type === 'done') resolve(r.result)
      else reject(r.name === 'PullError' ? new PullError(r.code as PullErrorCode, r.message) : Object.assign(new Error(r.message), { name: r.name, code: r.code }))
    })
    worker.on('error', reject)
    worker.on('exit', (code) => reject(new Error(`the model download worker exited (code ${code}) before it finished`)))
  })
}
