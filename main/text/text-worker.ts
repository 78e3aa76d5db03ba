/**
 * Worker thread that holds a model's text tower (text-encoder.ts): onnxruntime runs synchronously,
 * and loading a 250 MB text tower takes seconds, so neither may happen on the UI's thread. Started
 * by text-client.ts; built to out/main/text-worker.js. One model per worker; one request at a time.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { ModelEntry } from '../encoder/manifest'
import { createTextEncoder } from './text-encoder'
import type { TextReply, TextRequest } from './text-client'

const port = parentPort
if (!port) throw new Error('text-worker must run in a worker thread')
const encoder = createTextEncoder(workerData as ModelEntry)
encoder.catch(() => {}) // reported per request

port.on('message', async (req: TextRequest) => {
  try {
    const embedded = await (await encoder).embed(req.texts)
    const reply: TextReply = { id: req.id, embedded }
    port.postMessage(reply, embedded.map((e) => e.embedding.buffer as ArrayBuffer))
  } catch (e) {
    const err = e as Error & { code?: string }
    port.postMessage({ id: req.id, error: { name: err.name, code: err.code, message: err.message } } satisfies TextReply)
  }
})
