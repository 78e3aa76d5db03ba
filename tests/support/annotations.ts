/** Builders of annotation projects for the annotation tests and the bench. */
import { type AnnotationProject, type AnnotationSet, newProject, type VideoRef } from '../../common/annotations/model'

export const testVideo: VideoRef = { path: '/videos/lecture.mp4', fingerprint: '0123456789abcdef0123456789abcdef', duration: 600, fps: 25 }

/** Frame table of a 25 fps video with a 0.1 s start offset: frame i at 0.1 + i/25 s. */
export const framePtsOf = (count: number, fps = 25, start = 0.1): Float64Array => Float64Array.from({ length: count }, (_, i) => start + i / fps)

/** A set with `keyframes` keyframes every `every` frames and `segments` segments, labelled and noted in turn. */
export function filledSet(name: string, keyframes: number, segments: number, framePts: ArrayLike<number>, every = 7): AnnotationSet {
  const palette = ['relevant', 'scene change', 'text, with "quotes"']
  return {
    id: `set-${name}`,
    name,
    annotator: `annotator of ${name}`,
    question: `What happens in ${name}?`,
    palette,
    keyframes: Array.from({ length: keyframes }, (_, i) => ({
      id: `${name}-k${i}`,
      sourceFrame: i * every,
      pts: framePts[i * every],
      label: palette[i % 4] ?? '',
      note: i % 3 === 0 ? `note ${i}, with a comma\nand a line break` : '',
    })),
    segments: Array.from({ length: segments }, (_, i) => ({
      id: `${name}-s${i}`,
      inPts: framePts[i * 40],
      outPts: framePts[i * 40 + 25],
      label: palette[(i + 1) % 4] ?? '',
      note: i % 2 ? 'long shot' : '',
    })),
  }
}

export function projectWith(sets: AnnotationSet[], video: VideoRef = testVideo): AnnotationProject {
  return newProject(video, sets)
}
