/** Every import/export format, defined once; the CLI, the services and the UI list them from here. */
import { AnnotationFormatError } from '../validate'
import { csvFormat } from './csv'
import { FORMAT_IDS, type AnnotationFormat, type FormatId } from './format'
import { lvHaystackFormat } from './lvhaystack'
import { qvHighlightsFormat } from './qvhighlights'
import { tokenscopeJsonFormat } from './tokenscope-json'

export type { AnnotationFormat, FormatContext, FormatId, ImportResult } from './format'
export { FORMAT_IDS }

export const formats: Record<FormatId, AnnotationFormat> = {
  json: tokenscopeJsonFormat,
  csv: csvFormat,
  lvhaystack: lvHaystackFormat,
  qvhighlights: qvHighlightsFormat,
}

export const isFormatId = (id: string): id is FormatId => (FORMAT_IDS as readonly string[]).includes(id)

/**
 * The format of a file the user gave without saying which: TokenScope JSON first (it names
 * itself), then the benchmark layouts by their keys, then CSV by its header or extension.
 */
export function guessFormat(text: string, fileName: string): AnnotationFormat {
  for (const id of ['json', 'lvhaystack', 'qvhighlights', 'csv'] as const) if (formats[id].sniff(text, fileName)) return formats[id]
  throw new AnnotationFormatError(`cannot tell the format of ${fileName.split(/[\\/]/).pop()}: give it (${FORMAT_IDS.join(', ')})`)
}
