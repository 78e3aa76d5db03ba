/**
 * Worker thread owning one Encoder (see encoder-pool.ts for the protocol's other side).
 *
 * rgb frames become the model's input with modelInputFromRgb: for 'NHWC-uint8' models that is the
 * transferred bytes themselves (no preprocessing, no copy); for 'NCHW' models the normalised pixels,
 * written into one reused buffer, so requests are handled strictly one after another. The caller's
 * input buffer goes back in the transfer list; so do the results, copied once out of onnxruntime's
 * own buffers (see encodeAll).
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { ModelEntry } from './manifest'
import { ModelError } from './manifest'
import { type EncodedBatch, type Encoder, type EncoderOptions, createEncoder } from './session'
import { type ModelInput, modelInputFromRgb } from './preprocess'

export interface EncodeWorkerData {
  entry: ModelEntry
  opts: EncoderOptions
}

export type EncodeRequest =
  | { type: 'frames'; id: number; frames: Uint8Array; count: number }
  | { type: 'input'; id: number; input: ModelInput; batch: number }
  /** Result arrays the caller is done with, handed back for the next results (see `take`). */
  | { type: 'recycle'; buffers: ArrayBuffer[] }
  | { type: 'close' }

/** Milliseconds the worker spent on one request: making the model input (0 for 'NHWC-uint8' models), and inside onnxruntime (plus output reshaping). */
export interface EncodeTiming {
  preprocessMs: number
  inferenceMs: number
}

export interface WireError {
  code?: string
  message: string
}

export type EncodeReply =
  | { type: 'ready'; provider: Encoder['provider']; batchSize: number; inputSize: [number, number] }
  | { type: 'init-failed'; error: WireError }
  | { type: 'result'; id: number; batch: EncodedBatch; input: ModelInput; timing: EncodeTiming }
  | { type: 'failed'; id: number; error: WireError; input: ModelInput }

const port = parentPort!
const toWire = (e: unknown): WireError => (e instanceof ModelError ? { code: e.code, message: e.message } : { message: String((e as Error)?.message ?? e) })

/** The distinct transferable buffers behind some typed arrays. */
function transferables(arrays: (ArrayBufferView | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>()
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer)
  return [...out]
}

async function main() {
  const { entry, opts } = workerData as EncodeWorkerData
  let encoder: Encoder
  try {
    encoder = await createEncoder(entry, opts)
  } catch (e) {
    port.postMessage({ type: 'init-failed', error: toWire(e) } satisfies EncodeReply)
    return
  }
  const [h, w] = encoder.inputSize
  /** Values per frame, in either layout; also the rgb24 bytes per frame. */
  const frameSize = 3 * h * w
  /** 'NCHW' models: the normalised pixels, reused across requests. */
  let pixels: Float32Array | undefined

  /**
   * Result buffers handed back by the caller. Writing fresh memory costs page faults (measured
   * ~16 µs per 4 KB page in this VM: ~10 ms per 2.5 MB result), so results reuse these when the
   * caller recycles them, as the analysis pipeline does.
   */
  const pool: ArrayBuffer[] = []
  const take = (values: number) => {
    const at = pool.findIndex((b) => b.byteLength === 4 * values)
    return new Float32Array(at >= 0 ? pool.splice(at, 1)[0] : new ArrayBuffer(4 * values))
  }

  const timing: EncodeTiming = { preprocessMs: 0, inferenceMs: 0 }
  async function timedEncode(fill: (from: number, n: number) => ModelInput, from: number, n: number): Promise<EncodedBatch> {
    const t0 = performance.now()
    const input = fill(from, n)
    const t1 = performance.now()
    const out = await encoder.encodeInput(input, n)
    timing.preprocessMs += t1 - t0
    timing.inferenceMs += performance.now() - t1
    return out
  }

  /**
   * Runs `count` frames in chunks of at most batchSize and joins the outputs into new arrays, also
   * for a single chunk: under plain Node, onnxruntime's output arrays are external buffers that own
   * memory of the session's allocator until garbage-collected. Transferred to the caller's thread,
   * that memory is only released by its GC, and inference here measured 2–3× slower (onnxruntime-node
   * 1.30, 2 cores). The copy (≈ 2.5 MB for 16 frames of the built-in model) costs far less.
   */
  async function encodeAll(count: number, fill: (from: number, n: number) => ModelInput): Promise<EncodedBatch> {
    const parts: EncodedBatch[] = []
    for (let from = 0; from < count; from += encoder.batchSize) parts.push(await timedEncode(fill, from, Math.min(encoder.batchSize, count - from)))
    const join = (pick: (b: EncodedBatch) => Float32Array | undefined) => {
      if (!pick(parts[0])) return undefined
      const out = take(parts.reduce((s, p) => s + pick(p)!.length, 0))
      let at = 0
      for (const p of parts) {
        out.set(pick(p)!, at)
        at += pick(p)!.length
      }
      return out
    }
    return { tokens: join((b) => b.tokens)!, cls: join((b) => b.cls), importance: join((b) => b.importance), frameEmbeds: join((b) => b.frameEmbeds), patchEmbeds: join((b) => b.patchEmbeds) }
  }

  async function handle(msg: Exclude<EncodeRequest, { type: 'close' | 'recycle' }>): Promise<void> {
    const input = msg.type === 'frames' ? msg.frames : msg.input
    timing.preprocessMs = timing.inferenceMs = 0
    try {
      let batch: EncodedBatch
      if (msg.type === 'frames') {
        if (msg.frames.length < msg.count * frameSize) throw new RangeError(`${msg.count} frames need ${msg.count * frameSize} bytes, got ${msg.frames.length}`)
        batch = await encodeAll(msg.count, (from, n) => {
          const made = modelInputFromRgb(entry, msg.frames.subarray(from * frameSize, (from + n) * frameSize), n, pixels)
          if (made instanceof Float32Array) pixels = made
          return made
        })
      } else {
        batch = await encodeAll(msg.batch, (from, n) => msg.input.subarray(from * frameSize, (from + n) * frameSize))
      }
      const reply: EncodeReply = { type: 'result', id: msg.id, batch, input, timing: { ...timing } }
      port.postMessage(reply, transferables([batch.tokens, batch.cls, batch.importance, batch.frameEmbeds, batch.patchEmbeds, input]))
    } catch (e) {
      port.postMessage({ type: 'failed', id: msg.id, error: toWire(e), input } satisfies EncodeReply, transferables([input]))
    }
  }

  let queue = Promise.resolve()
  port.on('message', (msg: EncodeRequest) => {
    if (msg.type === 'recycle') {
      pool.push(...msg.buffers)
      pool.splice(0, Math.max(0, pool.length - 12))
    } else if (msg.type === 'close') {
      queue = queue.then(async () => {
        await encoder.release()
        port.close()
      })
    } else {
      queue = queue.then(() => handle(msg as Exclude<EncodeRequest, { type: 'close' | 'recycle' }>))
    }
  })
  port.postMessage({ type: 'ready', provider: encoder.provider, batchSize: encoder.batchSize, inputSize: encoder.inputSize } satisfies EncodeReply)
}

void main()
