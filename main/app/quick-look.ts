/**
 * The quick look (`video:quick-look`): the keyframe times at once, then their thumbnails, every
 * keyframe decoded small (`decodeKeyframes`, `-skip_frame nokey`, ~10× faster than every frame)
 * and pushed as `quicklook:frames` batches with their exact pts and their colour novelty, so the
 * timeline fills within seconds while the full analysis runs. One at a time: a new quick look
 * cancels the last.
 */
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import type { QuickLook, QuickLookFrames } from '../../common/ipc/contract'
import { colourHistogram, histogramDistance } from '../../common/metrics/colour-novelty'
import type { Binaries } from '../video/binaries'
import { decodeKeyframes, listKeyframes } from '../video/decode'
import { displaySize, probeVideo } from '../video/probe'
import { toApiError } from './errors'
import type { Emit } from './events'

/** Thumbnail width (px); the height keeps the display aspect. */
export const QUICK_LOOK_WIDTH = 96
/** A batch goes out when this much time passed since the last one (the first goes at once)… */
const BATCH_MS = 250
/** …or when it holds this many thumbnails. */
const BATCH_MAX = 64

/** Thumbnail size for a display size: `width` wide, the height keeping the aspect (16..width px). */
export function thumbnailSize(display: { width: number; height: number }, width = QUICK_LOOK_WIDTH): { width: number; height: number } {
  const aspect = display.width > 0 && display.height > 0 ? display.height / display.width : 9 / 16
  return { width, height: Math.min(width, Math.max(16, Math.round(width * aspect))) }
}

export interface QuickLookStreamOptions {
  /** QuickLook.id, copied into every batch. */
  id: string
  signal: AbortSignal
  onBatch: (batch: QuickLookFrames) => void
  binaries?: Binaries
}

/**
 * Decodes the keyframes of `path` into thumbnails and calls `onBatch` with them in order; the last
 * batch has `done: true`. Resolves when done or aborted (no batch after an abort); rejects on a
 * video that cannot be decoded.
 */
export async function streamQuickLook(path: string, opts: QuickLookStreamOptions): Promise<void> {
  const { width, height } = thumbnailSize(displaySize(await probeVideo(path)))
  const pixels = width * height
  let pts: number[] = []
  let thumbs: Uint8Array[] = []
  let novelty: number[] = []
  let sent = 0
  let lastSent = -Infinity
  let previous: Float32Array | null = null

  const flush = (done: boolean) => {
    if (opts.signal.aborted) return
    const rgb = new Uint8Array(thumbs.length * pixels * 3)
    thumbs.forEach((t, i) => rgb.set(t, i * pixels * 3))
    const rgba = rgbToRgba(rgb)
    opts.onBatch({ id: opts.id, path, start: sent, pts: Float64Array.from(pts), width, height, rgba, novelty: Float32Array.from(novelty), done })
    sent += pts.length
    lastSent = Date.now()
    pts = []
    thumbs = []
    novelty = []
  }

  for await (const frame of decodeKeyframes(path, { width, height, resize: 'squash', signal: opts.signal, binaries: opts.binaries })) {
    const hist = colourHistogram(frame.data)
    pts.push(frame.pts)
    thumbs.push(frame.data)
    novelty.push(previous ? histogramDistance(previous, hist) : 0)
    previous = hist
    if (thumbs.length >= BATCH_MAX || Date.now() - lastSent >= BATCH_MS) flush(false)
  }
  flush(true)
}

export interface QuickLooks {
  /** Keyframe pts at once; their thumbnails follow as `quicklook:frames` batches tagged with the answer's id. */
  start(path: string): Promise<QuickLook>
  /** Cancels the quick look in progress, if any, and waits for it to stop. */
  stop(): Promise<void>
}

export function createQuickLooks(emit: Emit): QuickLooks {
  let current: { controller: AbortController; done: Promise<void> } | null = null
  return {
    async start(path) {
      const target = resolve(path)
      const keyframePts = await listKeyframes(target)
      current?.controller.abort() // it ends on its own; no batch of it is sent after this
      const id = randomUUID()
      const controller = new AbortController()
      const done = streamQuickLook(target, { id, signal: controller.signal, onBatch: (batch) => emit('quicklook:frames', batch) }).catch((e: unknown) => {
        // The keyframe times are already out; losing their thumbnails is not worth an error banner.
        if (!controller.signal.aborted) console.error('[tokenscope] quick look thumbnails failed:', toApiError(e).message)
      })
      current = { controller, done }
      return { keyframePts, id }
    },
    async stop() {
      const run = current
      current = null
      run?.controller.abort()
      await run?.done
    },
  }
}

/** rgb24 [W*H*3] → RGBA [W*H*4], opaque, ready for ImageData. */
export function rgbToRgba(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3
  const out = new Uint8Array(n * 4)
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    out[j] = rgb[i]
    out[j + 1] = rgb[i + 1]
    out[j + 2] = rgb[i + 2]
    out[j + 3] = 255
  }
  return out
}
