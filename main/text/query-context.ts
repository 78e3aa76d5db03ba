/** The text query as methods receive it (MethodContext.query): the query and the method's own prompts, embedded by the video's model. */
import { resolveRun } from '../../common/compression/registry'
import type { ParamValues, TextQuery } from '../../common/compression/types'
import type { ModelEntry } from '../encoder/manifest'
import type { QueryEmbedder } from './text-client'

/** ctx.query for running `methodId` (or a composition) with `params` on `model`'s tokens. */
export async function textQueryFor(embedder: QueryEmbedder, model: ModelEntry, methodId: string, params: ParamValues, text: string): Promise<TextQuery> {
  const spec = resolveRun(methodId, params)
  const stages =
    spec.kind === 'composition'
      ? [
          { method: spec.first, params: spec.firstParams },
          { method: spec.second, params: spec.secondParams },
        ]
      : [{ method: spec.method, params: spec.params }]
  const prompts = [...new Set(stages.flatMap((s) => s.method.prompts?.(text, s.params as never) ?? []))].filter((p) => p !== text)
  const [query, ...rest] = await embedder.embed(model, [text, ...prompts])
  return { text, embedding: query.embedding, prompts: Object.fromEntries(rest.map((e) => [e.text, e.embedding])) }
}
