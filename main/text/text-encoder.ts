/**
 * A model's text tower (manifest `files.text` + `text`) with its own tokenizer: texts → L2-normalised
 * embeddings [embedDim] in the space of the vision side's frameEmbeds / patchEmbeds.
 *
 * onnxruntime-node runs synchronously on the calling thread: services use it through
 * text-worker-client.ts, in a worker thread.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { type ModelEntry, ModelError } from '../encoder/manifest'
import { type EncoderOptions, firstLine, openSession } from '../encoder/session'
import type { ExecutionProvider } from '../../common/providers'
import { l2NormalizeRows } from '../../common/tensor/vectors'
import { loadTokenizer, type TextTokenizer } from './tokenizer'

export interface EmbeddedText {
  text: string
  /** [embedDim], unit length. */
  embedding: Float32Array
  /** Tokens of the text cut at the context length (0 when it fit). */
  truncated: number
}

export interface TextEncoder {
  provider: ExecutionProvider
  embedDim: number
  maxLength: number
  tokenizer: TextTokenizer
  embed(texts: readonly string[]): Promise<EmbeddedText[]>
  release(): Promise<void>
}

export async function createTextEncoder(entry: ModelEntry, opts: EncoderOptions = {}): Promise<TextEncoder> {
  const spec = entry.text
  if (!spec || !entry.files.text) throw new ModelError('manifest-mismatch', `${entry.id}: this model has no text tower`)
  const path = join(entry.dir, entry.files.text)
  if (!existsSync(path)) throw new ModelError('missing-file', `${entry.id}: text model file not found: ${path}`)
  const tokenizer = await loadTokenizer(entry)
  const { session, provider } = await openSession(path, entry.id, opts)
  const mismatch = (msg: string) => new ModelError('manifest-mismatch', `${entry.id} (text tower): ${msg}`)
  const run = async (ids: BigInt64Array, mask: BigInt64Array, batch: number): Promise<ort.Tensor> => {
    const dims = [batch, spec.maxLength]
    const feeds: Record<string, ort.Tensor> = { [spec.inputName]: new ort.Tensor('int64', ids, dims) }
    if (spec.attentionMaskName) feeds[spec.attentionMaskName] = new ort.Tensor('int64', mask, dims)
    return (await session.run(feeds, [spec.outputName]))[spec.outputName] as ort.Tensor
  }
  try {
    for (const name of [spec.inputName, spec.attentionMaskName].filter((n): n is string => !!n))
      if (!session.inputNames.includes(name)) throw mismatch(`input '${name}' not in the model (inputs: ${session.inputNames.join(', ')})`)
    const extra = session.inputNames.filter((n) => n !== spec.inputName && n !== spec.attentionMaskName)
    if (extra.length) throw mismatch(`the model needs inputs the manifest does not name: ${extra.join(', ')}`)
    if (!session.outputNames.includes(spec.outputName)) throw mismatch(`output '${spec.outputName}' not in the model (outputs: ${session.outputNames.join(', ')})`)
    const probe = tokenizer.tokenize('')
    const out = await run(probe.ids, probe.mask, 1).catch((e: unknown) => {
      throw new ModelError('bad-model', `${entry.id} (text tower): the model fails on a 1×${spec.maxLength} input: ${firstLine(e)}`)
    })
    if (out.dims.length !== 2 || out.dims[1] !== spec.embedDim || out.type !== 'float32')
      throw mismatch(`output '${spec.outputName}' is ${out.type} [${out.dims.join(', ')}], manifest expects float32 [B, ${spec.embedDim}] (text.embedDim)`)
  } catch (e) {
    await session.release()
    throw e
  }
  return {
    provider,
    embedDim: spec.embedDim,
    maxLength: spec.maxLength,
    tokenizer,
    async embed(texts) {
      if (!texts.length) return []
      const L = spec.maxLength
      const tokenized = texts.map((t) => tokenizer.tokenize(t))
      const ids = new BigInt64Array(texts.length * L)
      const mask = new BigInt64Array(texts.length * L)
      tokenized.forEach((t, i) => {
        ids.set(t.ids, i * L)
        mask.set(t.mask, i * L)
      })
      const data = (await run(ids, mask, texts.length)).data as Float32Array
      return texts.map((text, i) => ({
        text,
        embedding: l2NormalizeRows(data.subarray(i * spec.embedDim, (i + 1) * spec.embedDim), spec.embedDim),
        truncated: tokenized[i].truncated,
      }))
    },
    release: () => session.release(),
  }
}
