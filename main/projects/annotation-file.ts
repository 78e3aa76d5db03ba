/**
 * Reading an annotation file for one video, the same way wherever a file comes in
 * (`annotations import`, `compare --annotations`): the format given or guessed from the text, the
 * video named by its content (a project file of another video is refused), and the video's
 * frame table for a format that stores only frame indices (LV-Haystack).
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { guessFormat, type AnnotationFormat, type FormatContext, type ImportResult } from '../../common/annotations/formats'
import type { VideoRef } from '../../common/annotations/model'
import { createFrameStepper } from '../video/frame-stepper'

export async function readAnnotationFile(file: string, video: VideoRef, format?: AnnotationFormat): Promise<ImportResult & { format: AnnotationFormat }> {
  const text = await readFile(resolve(file), 'utf8')
  const chosen = format ?? guessFormat(text, file)
  const context: FormatContext = { video }
  if (chosen.id === 'lvhaystack') {
    const stepper = createFrameStepper()
    try {
      context.framePts = (await stepper.table(video.path)).pts
    } finally {
      stepper.close()
    }
  }
  return { ...chosen.read(text, context), format: chosen }
}
