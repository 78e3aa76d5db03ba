/**
 * What `tokenscope compare --annotations` scores keyframes against: the annotated times of one set
 * (common/compare/annotated-times.ts) read from a file in any format the annotation import reads.
 *
 * With `--videos`, `--annotations` names a folder and each video takes the file in it named after
 * the video: the video's file name without its extension, then `.json`, `.jsonl` or `.csv`
 * (`clips/cat.mp4` → `DIR/cat.jsonl`), or the video's own project file
 * `cat.<content fingerprint>.tokenscope.json`, so a projects folder serves as it is. Two such
 * files for one video is an error for that video (the user says which by removing one).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { annotatedTimes, chooseScoredSet } from '../../common/compare/annotated-times'
import type { VideoRef } from '../../common/annotations/model'
import { videoStem } from '../../common/annotations/formats/video-entries'
import { readAnnotationFile } from '../projects/annotation-file'

export interface ScoredTimes {
  /** The file the times come from. */
  file: string
  /** The set's name. */
  set: string
  /** Annotated times (s), ascending. */
  times: number[]
  /** What the import had to say (entries for other videos left out, times rounded to frames). */
  notices: string[]
}

/** The annotated times of set `setName` (default: the first set that marks anything) in `file`, for `video`. */
export async function scoredTimesFromFile(file: string, video: VideoRef, setName?: string): Promise<ScoredTimes> {
  const { sets, notices } = await readAnnotationFile(file, video)
  const set = chooseScoredSet(sets, setName)
  if (!set) throw new Error(`no annotation set in ${file} marks a keyframe or segment`)
  return { file, set: set.name, times: annotatedTimes(set), notices }
}

const ANNOTATION_EXTENSIONS = ['json', 'jsonl', 'csv']

/** The annotation file in `dir` for `video` (the rule above); undefined when there is none. */
export function annotationFileFor(dir: string, video: VideoRef): string | undefined {
  const stem = videoStem(video.path)
  const names = new Set([...ANNOTATION_EXTENSIONS.map((ext) => `${stem}.${ext}`), `${stem}.${video.fingerprint}.tokenscope.json`])
  const found = readdirSync(dir).filter((name) => names.has(name)).sort()
  if (found.length > 1) throw new Error(`several annotation files for ${stem} in ${dir}: ${found.join(', ')}`)
  return found.length ? join(dir, found[0]) : undefined
}
