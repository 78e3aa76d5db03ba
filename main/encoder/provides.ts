/**
 * What a model gives the methods, in one place for `tokenscope models`, the app's model picker and
 * every result: which tokens, class token, class attention (real or a proxy), text tower, and text
 * relevance per frame / per patch.
 */
import type { ImportanceKind } from '../../common/tokens'
import type { ModelManifest } from './manifest'

export interface ModelProvides {
  classToken: boolean
  importance?: ImportanceKind
  textTower: boolean
  /** Text relevance: per frame (frameEmbeds), and per patch too (patchEmbeds). */
  textRelevance?: 'frame' | 'frame-and-patch'
}

export function modelProvides(m: ModelManifest): ModelProvides {
  const textTower = Boolean(m.text && m.files.text)
  return {
    classToken: Boolean(m.outputs.classToken),
    importance: m.outputs.importance?.kind,
    textTower,
    textRelevance: textTower && m.outputs.frameEmbeds ? (m.outputs.patchEmbeds ? 'frame-and-patch' : 'frame') : undefined,
  }
}

/** The tokens every result on this model is computed on, in one line. */
export function tokensLine(m: ModelManifest): string {
  const drop = m.outputs.patchTokens.dropLeading ?? 0
  const n = m.grid.h * m.grid.w
  const rows = drop ? `rows ${drop}–${drop + n - 1} of '${m.outputs.patchTokens.name}'` : `'${m.outputs.patchTokens.name}'`
  return `${m.id}: ${m.grid.h}×${m.grid.w} patch tokens of ${m.dim} dims per frame (${rows})`
}
