/**
 * QVHighlights-style JSON Lines (jayleicn/moment_detr data/README): one line per query,
 *
 *   {"qid": 1, "query": "...", "vid": "<video file name without extension>", "duration": 126.5,
 *    "relevant_windows": [[start, end], ...], "relevant_clip_ids": [0, 1, ...],
 *    "annotator": "...", "set": "<set name>"}
 *
 * One line per set: its question as `query`, its segments as `relevant_windows` (seconds, in and
 * out), and `relevant_clip_ids` derived from them as QVHighlights defines its clips (2 s each,
 * from 0). `annotator` and `set` are TokenScope's additions (other readers ignore extra keys).
 * Drops: keyframes, labels, notes, the palette, item ids and QVHighlights' saliency_scores (no
 * hand annotation here has them). Import reads this video's lines (by `vid`).
 */
import { DEFAULT_PALETTE, newId, type AnnotationSet, type Segment } from '../model'
import { AnnotationFormatError, checkSets } from '../validate'
import type { AnnotationFormat } from './format'
import { entriesForVideo, isRecord, parseJsonOrLines, uniqueName, videoStem } from './video-entries'

/** QVHighlights cuts videos into clips of this many seconds. */
export const QVH_CLIP_SECONDS = 2

export const qvHighlightsFormat: AnnotationFormat = {
  id: 'qvhighlights',
  name: 'QVHighlights moments (JSON Lines)',
  extension: 'jsonl',
  mimeType: 'application/x-ndjson',
  drops: 'keyframes, labels, notes, the label palette and item ids',
  write(sets, ctx) {
    return sets
      .map((set, i) =>
        JSON.stringify({
          qid: i + 1,
          query: set.question,
          vid: videoStem(ctx.video.path),
          duration: ctx.video.duration,
          relevant_windows: set.segments.map((s) => [s.inPts, s.outPts]),
          relevant_clip_ids: clipIds(set.segments),
          annotator: set.annotator,
          set: set.name,
        }),
      )
      .map((line) => line + '\n')
      .join('')
  },
  read(text, ctx) {
    const what = 'the QVHighlights file'
    const notices: string[] = []
    const parsed = parseJsonOrLines(text, what)
    const lines = (Array.isArray(parsed) ? parsed : [parsed]).map((e, i) => {
      if (!isRecord(e)) throw new AnnotationFormatError(`${what}: line ${i + 1} is not an object`)
      return e
    })
    const mine = entriesForVideo(lines, (e) => (typeof e.vid === 'string' ? e.vid : undefined), ctx.video, what, notices)
    const taken = new Set<string>()
    const sets = mine.map((line, n): AnnotationSet => {
      const where = `${what}, query ${line.qid ?? n + 1}`
      const windows = line.relevant_windows ?? []
      if (!Array.isArray(windows)) throw new AnnotationFormatError(`${where}: relevant_windows must be a list of [start, end]`)
      const segments = windows.map((w, i): Segment => {
        if (!Array.isArray(w) || w.length !== 2 || !w.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          throw new AnnotationFormatError(`${where}: relevant_windows[${i}] must be [start, end] in seconds`)
        }
        const [inPts, outPts] = w as [number, number]
        if (outPts < inPts) throw new AnnotationFormatError(`${where}: relevant_windows[${i}] ends (${outPts} s) before it starts (${inPts} s)`)
        return { id: newId(), inPts, outPts, label: '', note: '' }
      })
      return {
        id: newId(),
        name: uniqueName(typeof line.set === 'string' && line.set ? line.set : `QVHighlights ${line.qid ?? n + 1}`, taken),
        annotator: typeof line.annotator === 'string' ? line.annotator : '',
        question: typeof line.query === 'string' ? line.query : '',
        palette: DEFAULT_PALETTE,
        keyframes: [],
        segments,
      }
    })
    return { sets: checkSets(sets, what), notices }
  },
  sniff: (text, fileName) => /\.jsonl$/i.test(fileName) || /"relevant_windows"/.test(text.slice(0, 1 << 16)),
}

/** Ids of the 2 s clips that overlap any segment, ascending. */
export function clipIds(segments: readonly Segment[]): number[] {
  const ids = new Set<number>()
  for (const s of segments) {
    const first = Math.floor(s.inPts / QVH_CLIP_SECONDS)
    const last = Math.max(first, Math.ceil(s.outPts / QVH_CLIP_SECONDS) - 1)
    for (let c = Math.max(0, first); c <= last; c++) ids.add(c)
  }
  return [...ids].sort((a, b) => a - b)
}
