/**
 * LV-Haystack style keyframe lists: a JSON array with one entry per video and question, as the
 * LV-Haystack benchmark (LVHaystack/LongVideoHaystack; T* in mll-lab-nu/TStar) lists its
 * ground-truth keyframes:
 *
 *   { "video_id": "<video file name without extension>", "video_path": "...", "question": "...",
 *     "frame_indexes_video": [frame indices], "keyframe_timestamps": [seconds],
 *     "annotator": "...", "set": "<set name>" }
 *
 * Frame indices count the video's frames in presentation order (as `frame_indexes_video` does);
 * seconds are the frames' exact timestamps (LV-Haystack's own scripts compute them as index/fps,
 * which agrees on constant-frame-rate video). `annotator` and `set` are TokenScope's additions
 * (other readers ignore extra keys). One entry per set, its keyframes only.
 *
 * Import also reads T*'s `gt_frame_index` and the Hugging Face column layout (an object of
 * equal-length lists), JSON Lines, and entries for several videos (this video's are taken).
 * Drops: segments, labels, notes, the palette and item ids.
 */
import { DEFAULT_PALETTE, keyframeOrder, newId, type AnnotationSet, type Keyframe } from '../model'
import { AnnotationFormatError, checkSets } from '../validate'
import type { AnnotationFormat } from './format'
import { entriesForVideo, framePosition, isRecord, parseJsonOrLines, uniqueName, videoStem } from './video-entries'

const INDEX_KEYS = ['frame_indexes_video', 'gt_frame_index', 'frame_indexes'] as const
const TIME_KEYS = ['keyframe_timestamps', 'gt_timestamps'] as const

export const lvHaystackFormat: AnnotationFormat = {
  id: 'lvhaystack',
  name: 'LV-Haystack keyframe list (JSON)',
  extension: 'json',
  mimeType: 'application/json',
  drops: 'segments, labels, notes, the label palette and item ids',
  write(sets, ctx) {
    const entries = sets.map((set) => ({
      video_id: videoStem(ctx.video.path),
      video_path: ctx.video.path,
      question: set.question,
      frame_indexes_video: set.keyframes.map((k) => k.sourceFrame),
      keyframe_timestamps: set.keyframes.map((k) => k.pts),
      annotator: set.annotator,
      set: set.name,
    }))
    return JSON.stringify(entries, null, 1) + '\n'
  },
  read(text, ctx) {
    const what = 'the LV-Haystack file'
    const notices: string[] = []
    const entries = entriesForVideo(toEntries(parseJsonOrLines(text, what), what), (e) => stringOf(e.video_id) ?? stringOf(e.video_path), ctx.video, what, notices)
    const taken = new Set<string>()
    const sets = entries.map((entry, n): AnnotationSet => {
      const where = `${what}, entry ${n + 1}`
      const indices = numbersOf(entry, INDEX_KEYS, where)
      const times = numbersOf(entry, TIME_KEYS, where)
      if (!indices && !times) throw new AnnotationFormatError(`${where} has no keyframes (none of ${[...INDEX_KEYS, ...TIME_KEYS].join(', ')})`)
      if (indices && times && indices.length !== times.length) throw new AnnotationFormatError(`${where}: ${indices.length} frame indices but ${times.length} timestamps`)
      const count = (indices ?? times)!.length
      const keyframes: Keyframe[] = []
      const frames = new Set<number>()
      for (let i = 0; i < count; i++) {
        const position = framePosition(indices?.[i], times?.[i], ctx.framePts, `${where}, keyframe ${i + 1}`, notices)
        if (frames.has(position.sourceFrame)) continue // the same frame listed twice
        frames.add(position.sourceFrame)
        keyframes.push({ id: newId(), ...position, label: '', note: '' })
      }
      const question = stringOf(entry.question) ?? ''
      return {
        id: newId(),
        name: uniqueName(stringOf(entry.set) ?? `LV-Haystack ${n + 1}`, taken),
        annotator: stringOf(entry.annotator) ?? '',
        question,
        palette: DEFAULT_PALETTE,
        keyframes: keyframes.sort(keyframeOrder),
        segments: [],
      }
    })
    return { sets: checkSets(sets, what), notices }
  },
  sniff: (text) => /"(frame_indexes_video|gt_frame_index|keyframe_timestamps)"/.test(text.slice(0, 1 << 16)),
}

/** Entries from a list, JSON Lines, or the column layout ({key: [value per entry]}). */
function toEntries(value: unknown, what: string): Record<string, unknown>[] {
  if (Array.isArray(value)) {
    return value.map((e, i) => {
      if (!isRecord(e)) throw new AnnotationFormatError(`${what}: entry ${i + 1} is not an object`)
      return e
    })
  }
  if (isRecord(value)) {
    const columns = Object.entries(value).filter(([, v]) => Array.isArray(v)) as [string, unknown[]][]
    const n = columns[0]?.[1].length ?? 0
    if (columns.length && columns.every(([, v]) => v.length === n)) return Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map(([k, v]) => [k, v[i]])))
    return [value]
  }
  throw new AnnotationFormatError(`${what} must hold a list of entries`)
}

function numbersOf(entry: Record<string, unknown>, keys: readonly string[], where: string): number[] | undefined {
  const key = keys.find((k) => entry[k] !== undefined && entry[k] !== null)
  if (!key) return undefined
  const list = entry[key]
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new AnnotationFormatError(`${where}: ${key} must be a list of numbers`)
  return list as number[]
}

const stringOf = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined)
