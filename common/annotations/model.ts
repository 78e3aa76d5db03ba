/**
 * Hand annotations of one video (pure data, no I/O): a project holds annotation sets; a set holds
 * keyframes and segments.
 *
 * Positions are in the SOURCE video, never in the analysis sampling: a keyframe is a decoded
 * frame, known by its index among all the video's frames in presentation order (`sourceFrame`)
 * and its exact presentation timestamp (`pts`, seconds, as the decoder reports it). Segments are
 * spans [inPts, outPts] between two frames' timestamps (both frames included). The nearest
 * analysed (sampled) frame is derived from the pts (frames.ts), so annotations outlive any
 * sampling.
 *
 * Every value is immutable: edits (ops.ts) return new objects and share the untouched ones, which
 * makes undo, diffing and cheap re-serialisation straightforward. Lists are kept sorted (keyframes
 * by pts, segments by inPts) so lookups by time are binary searches.
 */

export const PROJECT_FORMAT = 'tokenscope-annotations'
/** Bump when the file's meaning changes; older files are read, newer ones are refused (validate.ts). */
export const PROJECT_VERSION = 1

/** The video a project belongs to, as it was when last opened. */
export interface VideoRef {
  /** Absolute path where the video was last found. */
  path: string
  /** Content fingerprint (main/video/fingerprint.ts): finds the video again after a move or rename. */
  fingerprint: string
  /** Seconds. */
  duration: number
  /** Average frame rate, for display only: positions are never derived from it. */
  fps: number
}

export interface Keyframe {
  id: string
  /** Index of the frame among all source frames in presentation order (0-based). */
  sourceFrame: number
  /** The frame's presentation timestamp (s), exactly as decoded. */
  pts: number
  /** A name from the set's palette, or '' for none. */
  label: string
  /** Free text, or ''. */
  note: string
}

export interface Segment {
  id: string
  /** Presentation timestamp (s) of the first frame in the segment. */
  inPts: number
  /** Presentation timestamp (s) of the last frame in the segment (≥ inPts). */
  outPts: number
  label: string
  note: string
}

export interface AnnotationSet {
  id: string
  name: string
  annotator: string
  /** The question or query the set answers (LV-Haystack, QVHighlights), or ''. */
  question: string
  /** Label names; keys 1–9 pick the first nine. */
  palette: readonly string[]
  /** Sorted by pts (then id). */
  keyframes: readonly Keyframe[]
  /** Sorted by inPts (then id). */
  segments: readonly Segment[]
}

export interface AnnotationProject {
  format: typeof PROJECT_FORMAT
  version: number
  /** Count of edits applied since the project was created; a store compares it with the file on disk. */
  revision: number
  video: VideoRef
  sets: readonly AnnotationSet[]
}

export type ItemKind = 'keyframe' | 'segment'

/** What the UI points at: one keyframe or segment of a set. */
export interface ItemRef {
  kind: ItemKind
  id: string
}

export const DEFAULT_PALETTE: readonly string[] = ['relevant', 'scene change', 'object', 'action', 'text', 'person', 'other']

/** A random id (UUID v4); `crypto.randomUUID` exists in every runtime TokenScope runs in. */
export const newId = (): string => globalThis.crypto.randomUUID()

export function newSet(fields: Partial<Omit<AnnotationSet, 'keyframes' | 'segments'>> = {}): AnnotationSet {
  return {
    id: fields.id ?? newId(),
    name: fields.name ?? 'annotations',
    annotator: fields.annotator ?? '',
    question: fields.question ?? '',
    palette: fields.palette ?? DEFAULT_PALETTE,
    keyframes: [],
    segments: [],
  }
}

export function newProject(video: VideoRef, sets: readonly AnnotationSet[] = [newSet()]): AnnotationProject {
  return { format: PROJECT_FORMAT, version: PROJECT_VERSION, revision: 0, video, sets }
}

export const findSet = (project: AnnotationProject, setId: string): AnnotationSet | undefined => project.sets.find((s) => s.id === setId)

/** First index in `items` (sorted by `key`) whose key is ≥ `value`. */
export function lowerBound<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (key(items[mid]) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

export const keyframeOrder = (a: Keyframe, b: Keyframe): number => a.pts - b.pts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
export const segmentOrder = (a: Segment, b: Segment): number => a.inPts - b.inPts || a.outPts - b.outPts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The keyframe at source frame `sourceFrame` in a set, if any. */
export const keyframeAtFrame = (set: AnnotationSet, sourceFrame: number): Keyframe | undefined => set.keyframes.find((k) => k.sourceFrame === sourceFrame)

/** Start time of an item (a keyframe's pts, a segment's in point). */
export const itemTime = (item: Keyframe | Segment): number => ('pts' in item ? item.pts : item.inPts)

export function findItem(set: AnnotationSet, ref: ItemRef): Keyframe | Segment | undefined {
  return ref.kind === 'keyframe' ? set.keyframes.find((k) => k.id === ref.id) : set.segments.find((s) => s.id === ref.id)
}
