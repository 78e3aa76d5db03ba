/**
 * Worker thread that runs compression methods (jobs.ts) off the main thread. Started by
 * run-method.ts through main/workers/spawn.ts; built to out/main/methods-worker.js.
 * Handles one job per message, replies with typed arrays transferred, lives until terminated.
 */
import { parentPort } from 'node:worker_threads'
import { errorReply, handleJob, transferablesOf, type MethodsJob, type MethodsReply } from './jobs'

const port = parentPort
if (!port) throw new Error('methods-worker must run in a worker thread')

port.on('message', (job: MethodsJob) => {
  let reply: MethodsReply
  try {
    reply = handleJob(job)
  } catch (e) {
    reply = errorReply(e)
  }
  port.postMessage(reply, transferablesOf(reply))
})
