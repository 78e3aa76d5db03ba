/**
 * Worker thread owning one Encoder (see encoder-pool.ts for the protocol's other side).
 *
 * Requests are handled strictly one after another: preprocessing writes into one preallocated
 * pixel buffer, so a second request must not start while a run is pending. Results and the
 * caller's input buffer go back in the transfer list (no copies).
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { ModelEntry } from './manifest'
import { ModelError } from './manifest'
import { type EncodedBatch, type Encoder, type EncoderOptions, createEncoder } from './session'
import { framesToPixelValues } from './preprocess'

export interface EncodeWorkerData {
  entry: ModelEntry
  opts: EncoderOptions
}

export type EncodeRequest =
  | { type: 'frames'; id: number; frames: Uint8Array; count: number }
  | { type: 'pixels'; id: number; pixels: Float32Array; batch: number }
  | { type: 'close' }

export interface WireError {
  code?: string
  message: string
}

export type EncodeReply =
  | { type: 'ready'; provider: Encoder['provider']; batchSize: number; inputSize: [number, number] }
  | { type: 'init-failed'; error: WireError }
  | { type: 'result'; id: number; batch: EncodedBatch; input: Uint8Array | Float32Array }
  | { type: 'failed'; id: number; error: WireError; input: Uint8Array | Float32Array }

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
  const frameSize = 3 * h * w
  let pixels = new Float32Array(encoder.batchSize * frameSize)

  /** Runs `count` frames of `input` in chunks of at most batchSize; one chunk hands ORT's arrays over as they are. */
  async function encodeAll(count: number, fill: (from: number, n: number) => Float32Array): Promise<EncodedBatch> {
    if (count <= encoder.batchSize) return encoder.encode(fill(0, count), count)
    const parts: EncodedBatch[] = []
    for (let from = 0; from < count; from += encoder.batchSize) {
      const n = Math.min(encoder.batchSize, count - from)
      parts.push(await encoder.encode(fill(from, n), n))
    }
    const join = (pick: (b: EncodedBatch) => Float32Array | undefined) => {
      if (!pick(parts[0])) return undefined
      const out = new Float32Array(parts.reduce((s, p) => s + pick(p)!.length, 0))
      let at = 0
      for (const p of parts) {
        out.set(pick(p)!, at)
        at += pick(p)!.length
      }
      return out
    }
    return { tokens: join((b) => b.tokens)!, cls: join((b) => b.cls), importance: join((b) => b.importance) }
  }

  async function handle(msg: Exclude<EncodeRequest, { type: 'close' }>): Promise<void> {
    const input = msg.type === 'frames' ? msg.frames : msg.pixels
    try {
      let batch: EncodedBatch
      if (msg.type === 'frames') {
        const frameBytes = h * w * 3
        if (msg.frames.length < msg.count * frameBytes) throw new RangeError(`${msg.count} frames need ${msg.count * frameBytes} bytes, got ${msg.frames.length}`)
        batch = await encodeAll(msg.count, (from, n) => {
          if (pixels.length < n * frameSize) pixels = new Float32Array(n * frameSize)
          return framesToPixelValues(msg.frames.subarray(from * frameBytes, (from + n) * frameBytes), n, entry, pixels)
        })
      } else {
        batch = await encodeAll(msg.batch, (from, n) => msg.pixels.subarray(from * frameSize, (from + n) * frameSize))
      }
      const reply: EncodeReply = { type: 'result', id: msg.id, batch, input }
      port.postMessage(reply, transferables([batch.tokens, batch.cls, batch.importance, input]))
    } catch (e) {
      port.postMessage({ type: 'failed', id: msg.id, error: toWire(e), input } satisfies EncodeReply, transferables([input]))
    }
  }

  let queue = Promise.resolve()
  port.on('message', (msg: EncodeRequest) => {
    if (msg.type === 'close') {
      queue = queue.then(async () => {
        await encoder.release()
        port.close()
      })
    } else {
      queue = queue.then(() => handle(msg))
    }
  })
  port.postMessage({ type: 'ready', provider: encoder.provider, batchSize: encoder.batchSize, inputSize: encoder.inputSize } satisfies EncodeReply)
}

void main()
