/** `models:list`: the registered encoder models, and the broken ones with what is wrong (the UI shows and disables them). */
import type { ModelInfo } from '../../common/ipc/contract'
import type { ModelEntry } from '../encoder/manifest'
import { scanModels } from '../encoder/registry'
import { modelProvides, tokensLine } from '../encoder/provides'

export async function listModelInfo(modelsDirs?: string[]): Promise<ModelInfo[]> {
  const { models, problems } = await scanModels(modelsDirs)
  const broken: ModelInfo[] = problems.map((p) => ({
    id: p.path.split(/[\\/]/).at(-2) ?? p.path,
    name: p.path.split(/[\\/]/).at(-2) ?? p.path,
    description: '',
    licence: '',
    builtIn: false,
    grid: { h: 0, w: 0 },
    dim: 0,
    hasClassToken: false,
    hasTextEncoder: false,
    tokens: '',
    error: p.error.message,
  }))
  return [...models.map(modelInfo), ...broken]
}

export function modelInfo(m: ModelEntry): ModelInfo {
  const provides = modelProvides(m)
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    licence: m.licence,
    builtIn: m.origin === 'bundled',
    grid: m.grid,
    dim: m.dim,
    hasClassToken: provides.classToken,
    importanceKind: provides.importance,
    hasTextEncoder: provides.textTower,
    textRelevance: provides.textRelevance,
    tokens: tokensLine(m),
  }
}
