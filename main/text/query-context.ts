/** The text query as methods receive it (MethodContext.query): the query and the method's own prompts, embedded by the video's model. */
import { getMethod, resolveComposition } from '../../common/compression/registry'
import type { ParamValues, TextQuery } from '../../common/compression/types'
import type { ModelEntry } from '../encoder/manifest'
import type { QueryEmbedder } from './text-client'

/** ctx.query for running `methodId` (or a composition) with `params` on `model`'s tokens. */
export async function textQueryFor(embedder: QueryEmbedder, model: ModelEntry, methodId: string, params: ParamValues, text: string): Promise<TextQuery> {
  const composition = resolveComposition(methodId, params)
  const stages = composition
    ? [
        { method: composition.first, params: composition.firstParams },
        { method: composition.second, params: composition.secondParams },
      ]
    : [{ method: getMethod(methodId), params }]
  const prompts = [...new Set(stages.flatMap((s) => s.method.prompts?.(text, s.params as never) ?? []))].filter((p) => p !== text)
  const [query, ...rest] = await embedder.embed(model, [text, ...prompts])
  return { text, embedding: query.embedding, prompts: Object.fromEntries(rest.map((e) => [e.text, e.embedding])) }
}
