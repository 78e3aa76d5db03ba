/**
 * Frame-accurate stepping through a video's SOURCE frames (every frame, not the analysis
 * sampling), as mpv's frame-step and CVAT do: frame n is the n-th frame in presentation order,
 * shown with its exact decoded timestamp.
 *
 * - The frame table: every frame's pts and which are keyframes (frame-times.ts: from the packets
 *   where each has a time, seconds for an hour of video; else the times a decode gives), in
 *   presentation order; kept per video.
 * - Decoding: a running ffmpeg that decodes forward from a keyframe and hands frames over one at
 *   a time (its pipe blocks while we do not read, so it stays a frame or two ahead). Stepping
 *   forward reads the next frame from it. A frame behind the decoder, or far ahead of it, starts a
 *   new decoder at the keyframe at or before that frame (never at the start of the video); going
 *   back, the new decoder starts up to BACK_PREFETCH frames earlier so further steps back are in
 *   the window.
 * - The window: decoded frames around the playhead, up to WINDOW_BYTES; the frames farthest from
 *   the last one asked for go first.
 *
 * Each decoded frame is matched to the table by its pts (showinfo, microseconds): a frame the
 * table does not list is taken at its nearest index. When a seek lands after the wanted frame
 * (containers without an index), the decoder is restarted further back, and as a last resort
 * from the start.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { frameWithPts, nearestFrame } from '../../common/annotations/frames'
import type { FrameTable, SourceFrame } from '../../common/ipc/contract'
import { resolveBinaries, type Binaries } from './binaries'
import { chunkReader, followLog } from './decode'
import { VideoError } from './errors'
import { listFrameTable } from './frame-times'
import { displaySize, probeDetails, type ProbeDetails } from './probe'

export interface FrameStepper {
  /** Every frame's pts and the keyframes (cached per video). */
  table(path: string): Promise<FrameTable>
  /** Source frame `index` (clamped to the video), scaled to at most `maxWidth` px wide. */
  frame(path: string, index: number, maxWidth?: number): Promise<SourceFrame>
  /** Stops every decoder. */
  close(): void
}

export interface FrameStepperOptions {
  binaries?: Binaries
  /** Memory for decoded frames per video. */
  windowBytes?: number
}

const WINDOW_BYTES = 192 * 1024 * 1024
/** Going back past the window, the new decoder starts this many frames before the wanted one (or at its keyframe). */
const BACK_PREFETCH = 24
/** Videos whose table and decoder are kept. */
const VIDEOS_KEPT = 3
/** A decoder nobody read from for this long is stopped. */
const IDLE_MS = 30_000

/** Index of the last keyframe at or before frame `index` (0 when there is none). */
export function keyframeAtOrBefore(keyframes: Uint32Array, index: number): number {
  let lo = 0
  let hi = keyframes.length - 1
  let found = 0
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (keyframes[mid] <= index) {
      found = keyframes[mid]
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

/** Output size for `maxWidth`: the display size (rotation applied), scaled down keeping its aspect, even. */
export function steppedSize(details: ProbeDetails, maxWidth: number): { width: number; height: number } {
  const shown = displaySize(details.info)
  const width = Math.max(2, Math.min(shown.width, Math.floor(maxWidth / 2) * 2))
  return { width, height: Math.max(2, Math.round((shown.height * width) / shown.width / 2) * 2) }
}

interface Decoder {
  proc: ChildProcess
  width: number
  /** The next frame index it will give (before its first frame: the one it was started for). */
  next: number
  /** No frame read yet: the first one tells whether the seek landed right. */
  fresh: boolean
  read(): Promise<{ pts: number; rgba: Uint8Array } | null>
  idle: ReturnType<typeof setTimeout> | null
}

interface VideoState {
  path: string
  /** File identity: size and mtime; a changed file starts over. */
  identity: string
  table: Promise<FrameTable>
  details: Promise<ProbeDetails>
  decoder: Decoder | null
  window: Map<string, SourceFrame>
  windowBytes: number
  /** Serialises decoding: one request at a time per video. */
  queue: Promise<unknown>
  lastUsed: number
}

export function createFrameStepper(opts: FrameStepperOptions = {}): FrameStepper {
  const videos = new Map<string, VideoState>()
  const windowLimit = opts.windowBytes ?? WINDOW_BYTES
  let uses = 0
  const binaries = () => (opts.binaries ? Promise.resolve(opts.binaries) : resolveBinaries())

  const stopDecoder = (v: VideoState) => {
    if (!v.decoder) return
    if (v.decoder.idle) clearTimeout(v.decoder.idle)
    v.decoder.proc.kill('SIGKILL')
    v.decoder = null
  }

  async function stateOf(path: string): Promise<VideoState> {
    const st = await stat(path).catch(() => {
      throw new VideoError('missing', `Video file not found: ${path}. It may have been moved or deleted.`)
    })
    const identity = `${st.size}:${st.mtimeMs}`
    let v = videos.get(path)
    if (v && v.identity !== identity) {
      stopDecoder(v)
      v = undefined
    }
    if (!v) {
      const details = binaries().then((b) => probeDetails(path, { binaries: b }))
      v = { path, identity, details, table: binaries().then((b) => listFrameTable(path, { binaries: b })), decoder: null, window: new Map(), windowBytes: 0, queue: Promise.resolve(), lastUsed: 0 }
      videos.set(path, v)
      for (const [p, old] of [...videos].sort((a, b) => b[1].lastUsed - a[1].lastUsed).slice(VIDEOS_KEPT)) {
        stopDecoder(old)
        videos.delete(p)
      }
    }
    v.lastUsed = ++uses
    return v
  }

  const keep = (v: VideoState, frame: SourceFrame, around: number) => {
    const key = `${frame.width}:${frame.index}`
    if (v.window.has(key)) return
    v.window.set(key, frame)
    v.windowBytes += frame.rgba.byteLength
    if (v.windowBytes <= windowLimit) return
    const byDistance = [...v.window.entries()].sort((a, b) => Math.abs(b[1].index - around) - Math.abs(a[1].index - around))
    for (const [k, f] of byDistance) {
      if (v.windowBytes <= windowLimit) break
      v.window.delete(k)
      v.windowBytes -= f.rgba.byteLength
    }
  }

  /** Starts a decoder whose first frame is `start` (seeking to it; `seekBack` s earlier when retrying). */
  async function startDecoder(v: VideoState, start: number, width: number, height: number, seekBack: number | null): Promise<Decoder> {
    const [table, details, { ffmpeg }] = await Promise.all([v.table, v.details, binaries()])
    const pts = table.pts[start]
    // Half the gap to the previous frame: frame `start` is the first one at or after the seek point.
    const before = start > 0 ? (pts - table.pts[start - 1]) / 2 : 0.001
    const seek = seekBack === null ? pts - details.startTime - before : pts - details.startTime - seekBack
    const args = [
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
      // Where packets lack timestamps the frames' times are counted from the start, so only a decode from the start numbers them right.
      ...(details.timestamps === 'all' && seekBack !== Infinity && seek > 0 ? ['-ss', seek.toFixed(6)] : []),
      '-copyts',
      '-i', v.path,
      '-map', '0:v:0',
      '-vf', `scale=${width}:${height},format=rgba,settb=AVTB,showinfo`,
      '-vsync', 'passthrough',
      '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1',
    ]
    const proc = spawn(ffmpeg.path, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    proc.on('error', () => {}) // reported as "no frame" by read()
    const frameBytes = width * height * 4
    const chunks = chunkReader(proc.stdout!, Math.max(2 * frameBytes, 1 << 20))
    const log = followLog(proc.stderr!)
    let pending: Buffer | null = null
    let produced = 0
    return {
      proc,
      width,
      next: start,
      fresh: true,
      idle: null,
      async read() {
        const frame = new Uint8Array(frameBytes)
        let filled = 0
        while (filled < frameBytes) {
          const chunk = pending ?? (await chunks.next())
          pending = null
          if (!chunk) return null
          const n = Math.min(frameBytes - filled, chunk.length)
          frame.set(chunk.subarray(0, n), filled)
          filled += n
          if (n < chunk.length) pending = chunk.subarray(n)
        }
        const at = await log.ptsOf(produced++)
        return Number.isFinite(at) ? { pts: at, rgba: frame } : null
      },
    }
  }

  /** Reads frames until `index`; `ended`: the stream stopped after giving frames (no retry helps). */
  async function readUntil(v: VideoState, d: Decoder, table: FrameTable, index: number, width: number, height: number): Promise<{ frame?: SourceFrame; ended: boolean }> {
    for (;;) {
      const got = await d.read()
      if (!got) return { ended: !d.fresh }
      const exact = frameWithPts(table.pts, got.pts)
      const at = exact >= 0 ? exact : nearestFrame(table.pts, got.pts)
      // The seek landed after the frame the decoder should start with.
      if (d.fresh && at > d.next) return { ended: false }
      d.fresh = false
      d.next = at + 1
      const frame: SourceFrame = { index: at, pts: got.pts, width, height, rgba: got.rgba }
      keep(v, frame, index)
      if (at >= index) return { frame, ended: false }
    }
  }

  /** Decodes forward until frame `index`; restarts further back (5 s, 30 s, the start) when a seek overshoots. */
  async function decodeTo(v: VideoState, index: number, width: number, height: number): Promise<SourceFrame> {
    const table = await v.table
    const key = keyframeAtOrBefore(table.keyframes, index)
    const running = v.decoder
    if (!(running && running.width === width && running.next <= index && key <= running.next)) {
      stopDecoder(v)
      const goingBack = [...v.window.values()].some((f) => f.index > index)
      v.decoder = await startDecoder(v, goingBack ? Math.max(key, index - BACK_PREFETCH) : index, width, height, null)
    }
    for (const retry of [5, 30, Infinity, null] as const) {
      const d = v.decoder!
      if (d.idle) clearTimeout(d.idle)
      const outcome = await readUntil(v, d, table, index, width, height)
      if (outcome.frame) {
        d.idle = setTimeout(() => v.decoder === d && stopDecoder(v), IDLE_MS)
        d.idle.unref?.()
        return outcome.frame
      }
      stopDecoder(v)
      if (outcome.ended || retry === null) break
      v.decoder = await startDecoder(v, key, width, height, retry)
    }
    throw new VideoError('corrupt', `Could not decode frame ${index} (at ${table.pts[index]} s) of ${v.path}: the file may be damaged there.`)
  }

  return {
    async table(path) {
      return (await stateOf(path)).table
    },
    async frame(path, index, maxWidth = 1920) {
      const v = await stateOf(path)
      const [table, details] = await Promise.all([v.table, v.details])
      const wanted = Math.min(table.pts.length - 1, Math.max(0, Math.round(index)))
      const { width, height } = steppedSize(details, maxWidth)
      const run = v.queue.then(() => v.window.get(`${width}:${wanted}`) ?? decodeTo(v, wanted, width, height))
      v.queue = run.catch(() => {})
      return run
    },
    close() {
      for (const v of videos.values()) stopDecoder(v)
      videos.clear()
    },
  }
}
