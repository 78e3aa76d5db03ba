/**
 * An Encoder in a worker thread (encode-worker.ts), so inference never blocks the calling thread.
 *
 * Buffers move, they are not copied: the input you pass is transferred to the worker (detached on
 * your side) and handed back with the result, ready to be refilled; the outputs are transferred
 * from the worker. Requests may be queued back to back; the worker runs them in order.
 */
import type { Worker } from 'node:worker_threads'
import { type InputLayout, type ModelEntry, ModelError, type ModelErrorCode } from './manifest'
import type { EncodedBatch, EncoderOptions } from './session'
import type { ExecutionProvider } from '../../common/providers'
import type { ModelInput } from './preprocess'
import type { EncodeReply, EncodeRequest, EncodeTiming, EncodeWorkerData, WireError } from './encode-worker'
import { spawnWorker } from '../workers/spawn'

export type { EncodeTiming }

export interface WorkerEncoder {
  provider: ExecutionProvider
  batchSize: number
  /** [H, W] */
  inputSize: [number, number]
  /** The manifest's input.layout: what `encode` takes. */
  inputLayout: InputLayout
  /**
   * `count` rgb24 frames [count, H, W, 3] at the model's input size → outputs for all of them
   * (run in batches of batchSize). `frames` is transferred; the result's `frames` is the same memory, back.
   * For 'NHWC-uint8' models the worker feeds these bytes to onnxruntime as they are (preprocessMs ≈ 0).
   */
  encodeRgb(frames: Uint8Array, count: number): Promise<EncodedBatch & EncodeTiming & { frames: Uint8Array }>
  /**
   * Like Encoder.encodeInput on the model's native input (uint8 [batch, H, W, 3] or float32
   * [batch, 3, H, W], by inputLayout); `pixels` is transferred and returned as `result.pixels`.
   */
  encode<T extends ModelInput>(pixels: T, batch: number): Promise<EncodedBatch & EncodeTiming & { pixels: T }>
  /** Hands a result's arrays back once used (they are transferred): later results reuse the memory. */
  recycle(batch: EncodedBatch): void
  close(): Promise<void>
}

const fromWire = (e: WireError) => (e.code ? new ModelError(e.code as ModelErrorCode, e.message) : new Error(e.message))

/** Only a whole, unshared ArrayBuffer can be moved; a view into a larger (e.g. pooled Buffer) one is copied first. */
function movable<T extends ModelInput>(a: T): { value: T; transfer: ArrayBuffer[] } {
  if (!(a.buffer instanceof ArrayBuffer)) return { value: a, transfer: [] } // shared memory: nothing to move
  if (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return { value: a, transfer: [a.buffer] }
  const copy = a.slice() as T
  return { value: copy, transfer: [copy.buffer as ArrayBuffer] }
}

export function startEncodeWorker(entry: ModelEntry, opts: EncoderOptions = {}): Promise<WorkerEncoder> {
  const worker: Worker = spawnWorker('encoder/encode-worker', { entry, opts } satisfies EncodeWorkerData)
  type BatchResult = EncodedBatch & EncodeTiming & { input: ModelInput }
  const pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>()
  let nextId = 1
  let dead: Error | undefined

  const failAll = (e: Error) => {
    dead ??= e
    for (const p of pending.values()) p.reject(e)
    pending.clear()
  }

  return new Promise((resolveStart, rejectStart) => {
    worker.on('error', (e) => {
      failAll(e)
      rejectStart(e)
    })
    worker.on('exit', (code) => {
      const e = new Error(`encode worker exited (code ${code})`)
      failAll(e)
      rejectStart(e)
    })
    worker.on('message', (msg: EncodeReply) => {
      if (msg.type === 'ready') {
        resolveStart(api(msg.provider, msg.batchSize, msg.inputSize))
      } else if (msg.type === 'init-failed') {
        rejectStart(fromWire(msg.error))
        void worker.terminate()
      } else {
        const p = pending.get(msg.id)
        pending.delete(msg.id)
        if (msg.type === 'result') p?.resolve({ ...msg.batch, ...msg.timing, input: msg.input })
        else p?.reject(fromWire(msg.error))
      }
    })
  })

  function request(msg: EncodeRequest & { id: number }, transfer: ArrayBuffer[]) {
    if (dead) return Promise.reject(dead)
    return new Promise<BatchResult>((resolve, reject) => {
      pending.set(msg.id, { resolve, reject })
      worker.postMessage(msg, transfer)
    })
  }

  function api(provider: ExecutionProvider, batchSize: number, inputSize: [number, number]): WorkerEncoder {
    return {
      provider,
      batchSize,
      inputSize,
      inputLayout: entry.input.layout,
      async encodeRgb(frames, count) {
        const { value, transfer } = movable(frames)
        const { input, ...batch } = await request({ type: 'frames', id: nextId++, frames: value, count }, transfer)
        return { ...batch, frames: input as Uint8Array }
      },
      async encode(pixels, batch) {
        const { value, transfer } = movable(pixels)
        const { input, ...result } = await request({ type: 'input', id: nextId++, input: value, batch }, transfer)
        return { ...result, pixels: input as typeof pixels }
      },
      recycle(batch) {
        if (dead) return
        const buffers = [batch.tokens, batch.cls, batch.importance, batch.frameEmbeds, batch.patchEmbeds].flatMap((a) =>
          a && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? [a.buffer] : [],
        )
        worker.postMessage({ type: 'recycle', buffers } satisfies EncodeRequest, buffers)
      },
      async close() {
        if (dead) return
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
        worker.postMessage({ type: 'close' } satisfies EncodeRequest)
        await exited
      },
    }
  }
}
