/**
 * Text embeddings of queries for a model, computed in a text worker (text-worker.ts) and cached:
 * in memory, and on disk under `<cache>/text-embeddings/<model>/` keyed by the text (and the text
 * tower file's size and time, so a re-pulled model is not answered from stale vectors). Vectors are
 * L2-normalised; a query is embedded once per model.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { type ModelEntry, ModelError, type ModelErrorCode } from '../encoder/manifest'
import { spawnWorker } from '../workers/spawn'
import type { EmbeddedText } from './text-encoder'

export type TextRequest = { id: number; texts: string[] }
export type TextReply = { id: number; embedded?: EmbeddedText[]; error?: { name: string; code?: string; message: string } }

export interface QueryEmbedder {
  /** Each text's embedding (unit length) for `model`, in the order given. */
  embed(model: ModelEntry, texts: readonly string[]): Promise<EmbeddedText[]>
  close(): Promise<void>
}

export function createQueryEmbedder(cacheDir: string): QueryEmbedder {
  const memory = new Map<string, EmbeddedText>()
  const workers = new Map<string, { worker: Worker; pending: Map<number, (r: TextReply) => void> }>()
  let nextId = 1

  const workerFor = (model: ModelEntry) => {
    let w = workers.get(model.id)
    if (!w) {
      const worker = spawnWorker('text/text-worker', model)
      const pending = new Map<number, (r: TextReply) => void>()
      worker.on('message', (r: TextReply) => {
        pending.get(r.id)?.(r)
        pending.delete(r.id)
        if (!pending.size) worker.unref() // idle: never keeps the process alive
      })
      const fail = (message: string) => {
        for (const done of pending.values()) done({ id: 0, error: { name: 'Error', message } })
        pending.clear()
        workers.delete(model.id)
      }
      worker.on('error', (e) => fail(e.message))
      worker.on('exit', (code) => fail(`the text worker exited (code ${code})`))
      worker.unref()
      w = { worker, pending }
      workers.set(model.id, w)
    }
    return w
  }

  const run = (model: ModelEntry, texts: string[]) =>
    new Promise<EmbeddedText[]>((resolve, reject) => {
      const w = workerFor(model)
      const id = nextId++
      w.pending.set(id, (r) => {
        if (r.embedded) return resolve(r.embedded)
        const e = r.error!
        reject(e.name === 'ModelError' ? new ModelError(e.code as ModelErrorCode, e.message) : Object.assign(new Error(e.message), { name: e.name }))
      })
      w.worker.ref()
      w.worker.postMessage({ id, texts } satisfies TextRequest)
    })

  /** The text tower file's identity: a re-pulled or replaced model gets fresh embeddings. */
  const towerKey = async (model: ModelEntry) => {
    if (!model.files.text) throw new ModelError('manifest-mismatch', `${model.id}: this model has no text tower`)
    const s = await stat(join(model.dir, model.files.text))
    return `${s.size}-${Math.round(s.mtimeMs)}`
  }
  const fileOf = (model: ModelEntry, tower: string, text: string) =>
    join(cacheDir, 'text-embeddings', model.id, `${createHash('sha256').update(`${tower}\0${text}`).digest('hex').slice(0, 32)}.json`)

  /** Calls run one after another: two callers asking for one text embed it once and write its file once. */
  let queue: Promise<unknown> = Promise.resolve()

  async function embedNow(model: ModelEntry, texts: readonly string[]): Promise<EmbeddedText[]> {
    const tower = await towerKey(model)
    const key = (t: string) => `${model.id}\0${tower}\0${t}`
    const missing: string[] = []
    for (const t of new Set(texts)) {
      if (memory.has(key(t))) continue
      const cached = await readFile(fileOf(model, tower, t), 'utf8').then((s) => JSON.parse(s) as { text: string; truncated: number; embedding: number[] }, () => null)
      if (cached?.text === t && cached.embedding.length === model.text?.embedDim) memory.set(key(t), { text: t, truncated: cached.truncated, embedding: Float32Array.from(cached.embedding) })
      else missing.push(t)
    }
    if (missing.length) {
      for (const e of await run(model, missing)) {
        memory.set(key(e.text), e)
        const file = fileOf(model, tower, e.text)
        await mkdir(join(file, '..'), { recursive: true })
        const tmp = `${file}.${process.pid}.tmp` // another process may write the same file
        await writeFile(tmp, JSON.stringify({ text: e.text, truncated: e.truncated, embedding: Array.from(e.embedding) }))
        await rename(tmp, file)
      }
    }
    return texts.map((t) => memory.get(key(t))!)
  }

  return {
    embed(model, texts) {
      const result = queue.then(() => embedNow(model, texts))
      queue = result.catch(() => {})
      return result
    },
    async close() {
      await Promise.all([...workers.values()].map((w) => w.worker.terminate()))
      workers.clear()
    },
  }
}
