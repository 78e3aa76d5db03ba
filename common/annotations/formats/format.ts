/**
 * What every import/export format provides (one file per format beside this one; the list is in
 * index.ts). Formats are pure: text in, annotation sets out (and back), so the CLI, the main
 * process and the renderer use the same code.
 */
import type { AnnotationSet, VideoRef } from '../model'

export const FORMAT_IDS = ['json', 'csv', 'lvhaystack', 'qvhighlights'] as const
export type FormatId = (typeof FORMAT_IDS)[number]

export interface FormatContext {
  /** The video the annotations belong to: named in exports, checked on import. */
  video: VideoRef
  /**
   * Presentation timestamps (s, ascending) of every source frame: the frame table. Formats that
   * store only frame indices or only seconds need it on import to fill in the other.
   */
  framePts?: ArrayLike<number>
}

export interface ImportResult {
  sets: AnnotationSet[]
  /** Things the user should know (a value that was rounded to a frame, entries for another video). */
  notices: string[]
}

export interface AnnotationFormat {
  id: FormatId
  /** Shown in menus and help. */
  name: string
  /** File name extension, without the dot. */
  extension: string
  mimeType: string
  /** What this format cannot hold: lost when exporting to it. Empty when nothing is. */
  drops: string
  write(sets: readonly AnnotationSet[], ctx: FormatContext): string
  /** Throws AnnotationFormatError naming the line or field at fault. */
  read(text: string, ctx: FormatContext): ImportResult
  /** Whether a file looks like this format (when the user gives none). */
  sniff(text: string, fileName: string): boolean
}
