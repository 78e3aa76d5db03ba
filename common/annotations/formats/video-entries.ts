/**
 * Benchmark files (LV-Haystack, QVHighlights) list entries for many videos: picking this video's
 * entries, naming the imported sets, and frame index ↔ seconds through the frame table.
 */
import type { VideoRef } from '../model'
import { frameWithPts, nearestFrame } from '../frames'
import { AnnotationFormatError } from '../validate'

/** The video's file name without folder and extension: what benchmark files call its id. */
export function videoStem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(0, dot) : base
}

/**
 * The entries for `video`: those whose id (or path's stem) is the video file's stem; when none is
 * and the file is about a single video, all of them (with a notice naming that id).
 */
export function entriesForVideo<T>(entries: T[], idOf: (entry: T) => string | undefined, video: VideoRef, what: string, notices: string[]): T[] {
  const stem = videoStem(video.path)
  const mine = entries.filter((e) => {
    const id = idOf(e)
    return id !== undefined && (id === stem || videoStem(id) === stem)
  })
  if (mine.length) {
    if (mine.length < entries.length) notices.push(`${what}: took the ${mine.length} of ${entries.length} entries for video "${stem}"`)
    return mine
  }
  const ids = [...new Set(entries.map(idOf).filter((x): x is string => x !== undefined))]
  if (ids.length <= 1) {
    if (ids.length === 1) notices.push(`${what}: its entries are for video "${ids[0]}"; imported into "${stem}"`)
    return entries
  }
  throw new AnnotationFormatError(`${what} has no entry for video "${stem}" (its videos: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`)
}

/** `name`, or `name (2)`, `name (3)`, … when taken. */
export function uniqueName(name: string, taken: Set<string>): string {
  let out = name
  for (let n = 2; taken.has(out); n++) out = `${name} (${n})`
  taken.add(out)
  return out
}

/** Source frame index and pts of a keyframe given by either or both; the frame table fills in what is missing. */
export function framePosition(index: number | undefined, seconds: number | undefined, framePts: ArrayLike<number> | undefined, where: string, notices: string[]): { sourceFrame: number; pts: number } {
  if (index !== undefined && !(Number.isInteger(index) && index >= 0)) throw new AnnotationFormatError(`${where}: frame index must be a whole number ≥ 0, got ${index}`)
  if (seconds !== undefined && !Number.isFinite(seconds)) throw new AnnotationFormatError(`${where}: time must be a number of seconds, got ${seconds}`)
  if (index !== undefined && seconds !== undefined) {
    if (framePts && index < framePts.length && frameWithPts(framePts, seconds) !== index) notices.push(`${where}: frame ${index} is at ${framePts[index]} s in this video, the file says ${seconds} s (kept as given)`)
    return { sourceFrame: index, pts: seconds }
  }
  if (!framePts || framePts.length === 0) throw new AnnotationFormatError(`${where}: gives only ${index !== undefined ? 'frame indices' : 'times'}; the video's frame table is needed to find the other (import it with the video)`)
  if (index !== undefined) {
    if (index >= framePts.length) throw new AnnotationFormatError(`${where}: frame ${index} is past the video's last frame (${framePts.length - 1})`)
    return { sourceFrame: index, pts: framePts[index] }
  }
  const frame = nearestFrame(framePts, seconds!)
  if (frameWithPts(framePts, seconds!) < 0) notices.push(`${where}: ${seconds} s is not a frame's timestamp; took the nearest frame, ${frame} at ${framePts[frame]} s`)
  return { sourceFrame: frame, pts: framePts[frame] }
}

/** Parses JSON, or JSON Lines when the whole text is not one JSON value. */
export function parseJsonOrLines(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
      .split(/\r?\n/)
      .map((line, i) => ({ line: line.trim(), n: i + 1 }))
      .filter((l) => l.line)
      .map(({ line, n }) => {
        try {
          return JSON.parse(line) as unknown
        } catch (e) {
          throw new AnnotationFormatError(`${what}: line ${n} is not JSON (${(e as Error).message})`)
        }
      })
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
