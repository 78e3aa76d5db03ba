/**
 * CSV: one row per keyframe or segment, with its set's name, annotator and question repeated on
 * every row, so a spreadsheet or `pandas.read_csv` sees flat records.
 *
 * Columns: set, annotator, question, kind (keyframe | segment), id, source_frame, pts (keyframes),
 * in_pts, out_pts (segments), label, note. Times are seconds written with every digit a double
 * holds, so they read back to the same number.
 * Drops: the palette (rebuilt on import from the labels used) and sets without any item.
 */
import { type AnnotationSet, DEFAULT_PALETTE, type Keyframe, newId, type Segment } from '../model'
import { AnnotationFormatError, checkSets } from '../validate'
import { csvLine, parseCsv } from './csv-text'
import type { AnnotationFormat } from './format'

const COLUMNS = ['set', 'annotator', 'question', 'kind', 'id', 'source_frame', 'pts', 'in_pts', 'out_pts', 'label', 'note'] as const
type Column = (typeof COLUMNS)[number]

export const csvFormat: AnnotationFormat = {
  id: 'csv',
  name: 'CSV (one row per keyframe or segment)',
  extension: 'csv',
  mimeType: 'text/csv',
  drops: 'the label palette (rebuilt from the labels used) and sets that hold no keyframe or segment',
  write(sets) {
    const lines = [COLUMNS.join(',')]
    for (const set of sets) {
      const head = [set.name, set.annotator, set.question]
      for (const k of set.keyframes) lines.push(csvLine([...head, 'keyframe', k.id, String(k.sourceFrame), String(k.pts), '', '', k.label, k.note]))
      for (const s of set.segments) lines.push(csvLine([...head, 'segment', s.id, '', '', String(s.inPts), String(s.outPts), s.label, s.note]))
    }
    return lines.join('\r\n') + '\r\n'
  },
  read(text) {
    let rows: string[][]
    try {
      rows = parseCsv(text)
    } catch (e) {
      throw new AnnotationFormatError(`CSV: ${(e as Error).message}`)
    }
    const header = rows[0]?.map((h) => h.trim().toLowerCase())
    if (!header) throw new AnnotationFormatError('CSV: the file is empty')
    const index = {} as Record<Column, number>
    for (const c of COLUMNS) index[c] = header.indexOf(c)
    for (const required of ['set', 'kind'] as const) if (index[required] < 0) throw new AnnotationFormatError(`CSV: no '${required}' column (the header has: ${header.join(', ')})`)
    const sets = new Map<string, { set: AnnotationSet; keyframes: Keyframe[]; segments: Segment[] }>()
    rows.slice(1).forEach((row, r) => {
      const line = r + 2
      if (row.length === 1 && row[0].trim() === '') return
      const cell = (c: Column) => (index[c] >= 0 ? (row[index[c]] ?? '') : '')
      const number = (c: Column, integer = false) => {
        const raw = cell(c).trim()
        const n = Number(raw)
        if (raw === '' || !Number.isFinite(n) || (integer && !(Number.isInteger(n) && n >= 0))) {
          throw new AnnotationFormatError(`CSV line ${line}: ${c} must be ${integer ? 'a frame index (whole number ≥ 0)' : 'a number of seconds'}, got ${JSON.stringify(raw)}`)
        }
        return n
      }
      const name = cell('set').trim()
      if (!name) throw new AnnotationFormatError(`CSV line ${line}: the set name is empty`)
      let entry = sets.get(name)
      if (!entry) {
        entry = { set: { id: newId(), name, annotator: cell('annotator'), question: cell('question'), palette: [], keyframes: [], segments: [] }, keyframes: [], segments: [] }
        sets.set(name, entry)
      }
      const common = { id: cell('id').trim() || newId(), label: cell('label'), note: cell('note') }
      const kind = cell('kind').trim().toLowerCase()
      if (kind === 'keyframe') entry.keyframes.push({ ...common, sourceFrame: number('source_frame', true), pts: number('pts') })
      else if (kind === 'segment') {
        const segment = { ...common, inPts: number('in_pts'), outPts: number('out_pts') }
        if (segment.outPts < segment.inPts) throw new AnnotationFormatError(`CSV line ${line}: out_pts (${segment.outPts}) comes before in_pts (${segment.inPts})`)
        entry.segments.push(segment)
      } else throw new AnnotationFormatError(`CSV line ${line}: kind must be keyframe or segment, got ${JSON.stringify(cell('kind'))}`)
    })
    const built = [...sets.values()].map(({ set, keyframes, segments }) => ({ ...set, palette: paletteOf([...keyframes, ...segments]), keyframes, segments }))
    return { sets: checkSets(built, 'CSV'), notices: [] }
  },
  sniff: (text, fileName) => /\.csv$/i.test(fileName) || /^\ufeff?set,/.test(text),
}

/** The labels used, in order of first use, or the default palette when none is. */
function paletteOf(items: { label: string }[]): string[] {
  const labels = [...new Set(items.map((i) => i.label).filter(Boolean))]
  return labels.length ? labels : [...DEFAULT_PALETTE]
}
