import { csvFormatRows } from 'd3-dsv'

/** A CSV cell: numbers are written in full precision (String(x)), missing values as empty fields. */
export type CsvCell = string | number | boolean | null | undefined

const cellText = (c: CsvCell): string => (c === null || c === undefined || (typeof c === 'number' && !Number.isFinite(c)) ? '' : String(c))

/** RFC 4180 CSV (d3-dsv quotes fields with commas, quotes or line breaks) of a header and rows, ending in a newline. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `${csvFormatRows([header.map(String), ...rows.map((r) => r.map(cellText))])}\n`
}
