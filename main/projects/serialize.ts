/**
 * Project → file bytes, cheap enough to run after every edit on the main thread: one line per
 * keyframe or segment (readable, diffable), each item's UTF-8 bytes remembered per item object.
 * Edits replace only the objects they change (model.ts), so saving a project of 10,000 keyframes
 * after one edit encodes one item; the file is written from the list of pieces (writev), never
 * joined into one string.
 */
import type { AnnotationProject, AnnotationSet, Keyframe, Segment } from '../../common/annotations/model'

export type ProjectSerializer = (project: AnnotationProject) => Uint8Array[]

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8')
const ITEM_SEPARATOR = bytes(',\n   ')

export function createProjectSerializer(): ProjectSerializer {
  const items = new WeakMap<Keyframe | Segment, Uint8Array>()
  const itemBytes = (item: Keyframe | Segment) => {
    let b = items.get(item)
    if (b === undefined) items.set(item, (b = bytes(JSON.stringify(item))))
    return b
  }
  const list = (out: Uint8Array[], values: readonly (Keyframe | Segment)[]) => {
    if (!values.length) {
      out.push(bytes('[]'))
      return
    }
    out.push(bytes('[\n   '))
    values.forEach((v, i) => {
      if (i) out.push(ITEM_SEPARATOR)
      out.push(itemBytes(v))
    })
    out.push(bytes('\n  ]'))
  }
  const set = (out: Uint8Array[], s: AnnotationSet) => {
    const head = JSON.stringify({ id: s.id, name: s.name, annotator: s.annotator, question: s.question, palette: s.palette })
    out.push(bytes(`  ${head.slice(0, -1)},\n  "keyframes": `))
    list(out, s.keyframes)
    out.push(bytes(',\n  "segments": '))
    list(out, s.segments)
    out.push(bytes('}'))
  }
  return (p) => {
    const head = [`"format": ${JSON.stringify(p.format)}`, `"version": ${p.version}`, `"revision": ${p.revision}`, `"video": ${JSON.stringify(p.video)}`]
    const out = [bytes(`{\n ${head.join(',\n ')},\n "sets": [\n`)]
    p.sets.forEach((s, i) => {
      if (i) out.push(bytes(',\n'))
      set(out, s)
    })
    out.push(bytes('\n ]\n}\n'))
    return out
  }
}

