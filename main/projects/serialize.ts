/**
 * Project → file text, fast enough to run after every edit on the main thread: one line per
 * keyframe or segment (readable, diffable), each item's JSON remembered per item object. Edits
 * replace only the objects they change (model.ts), so saving a project of 10,000 keyframes after
 * one edit stringifies one item and joins the rest.
 */
import type { AnnotationProject, AnnotationSet, Keyframe, Segment } from '../../common/annotations/model'

export type ProjectSerializer = (project: AnnotationProject) => string

export function createProjectSerializer(): ProjectSerializer {
  const items = new WeakMap<Keyframe | Segment, string>()
  const itemJson = (item: Keyframe | Segment) => {
    let json = items.get(item)
    if (json === undefined) items.set(item, (json = JSON.stringify(item)))
    return json
  }
  const list = (values: readonly (Keyframe | Segment)[]) => (values.length ? `[\n   ${values.map(itemJson).join(',\n   ')}\n  ]` : '[]')
  const set = (s: AnnotationSet) => {
    const head = JSON.stringify({ id: s.id, name: s.name, annotator: s.annotator, question: s.question, palette: s.palette })
    return `  ${head.slice(0, -1)},\n  "keyframes": ${list(s.keyframes)},\n  "segments": ${list(s.segments)}}`
  }
  return (p) => {
    const head = [`"format": ${JSON.stringify(p.format)}`, `"version": ${p.version}`, `"revision": ${p.revision}`, `"video": ${JSON.stringify(p.video)}`]
    return `{\n ${head.join(',\n ')},\n "sets": [\n${p.sets.map(set).join(',\n')}\n ]\n}\n`
  }
}
