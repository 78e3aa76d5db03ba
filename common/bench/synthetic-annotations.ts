import { type AnnotationProject, type AnnotationSet, newProject } from '../annotations/model'
import { createRng } from '../tensor/rng'

/**
 * An annotation project shaped like a long effort on a 3-hour, 30 fps video, for benchmarks:
 * one set of `keyframes` keyframes (about one a second, some labelled, some with notes) and
 * `segments` segments, plus a small second set.
 */
export function syntheticAnnotations(keyframes = 10_000, segments = 1_000, seed = 3): AnnotationProject {
  const random = createRng(seed)
  const fps = 30
  const frames = 3 * 3600 * fps
  const palette = ['relevant', 'scene change', 'object', 'action', 'text']
  const step = Math.floor(frames / keyframes)
  const big: AnnotationSet = {
    id: 'bench-set',
    name: 'annotator A',
    annotator: 'A',
    question: 'Where does each scene start?',
    palette,
    keyframes: Array.from({ length: keyframes }, (_, i) => {
      const sourceFrame = i * step + Math.floor(random() * step)
      return { id: `k${i}`, sourceFrame, pts: sourceFrame / fps, label: random() < 0.3 ? palette[i % 5] : '', note: random() < 0.1 ? `note ${i}` : '' }
    }),
    segments: Array.from({ length: segments }, (_, i) => {
      const inPts = (i * frames) / segments / fps
      return { id: `s${i}`, inPts, outPts: inPts + 2 + random() * 5, label: palette[i % 5], note: '' }
    }),
  }
  const small: AnnotationSet = { ...big, id: 'bench-set-b', name: 'annotator B', annotator: 'B', keyframes: big.keyframes.filter((_, i) => i % 50 === 0), segments: [] }
  return newProject({ path: '/bench/three-hours.mp4', fingerprint: 'b'.repeat(32), duration: frames / fps, fps }, [big, small])
}
