/**
 * RFC 4180 CSV, the part spreadsheets and pandas agree on: comma separated, fields with a comma,
 * quote or line break quoted, quotes doubled, CRLF or LF line ends. Written here rather than taken
 * from a library because it is this small and must run unchanged in the renderer and the CLI.
 */

const needsQuotes = /[",\r\n]|^\s|\s$/

export const csvField = (value: string): string => (needsQuotes.test(value) ? `"${value.replace(/"/g, '""')}"` : value)

export const csvLine = (fields: readonly string[]): string => fields.map(csvField).join(',')

/** Rows of fields; throws Error('line N: …') on an unterminated quote. A trailing empty line is not a row. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0 // byte-order mark (Excel)
  let fieldStarted = false
  const endField = () => {
    row.push(field)
    field = ''
    fieldStarted = false
  }
  const endRow = () => {
    endField()
    rows.push(row)
    row = []
  }
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else {
        if (c === '\n') line++
        field += c
      }
      continue
    }
    if (c === '"' && !fieldStarted) {
      quoted = true
      fieldStarted = true
    } else if (c === ',') endField()
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
    } else {
      field += c
      fieldStarted = true
    }
  }
  if (quoted) throw new Error(`line ${line}: a quoted field is not closed`)
  if (fieldStarted || row.length > 0) endRow()
  return rows
}
