/**
 * The text tower's tokenizer: the model's own `tokenizer.json` read by @huggingface/tokenizers
 * (Hugging Face's JavaScript port of its tokenizers library, the one transformers.js uses), so
 * normalisation, pre-tokenisation, BPE / SentencePiece and special tokens are the model's, not a
 * re-implementation. The library tokenises only; the two steps a model's processor adds are here:
 *
 * - truncation to the context length as Hugging Face tokenizers truncate (`truncation=True`): the
 *   text's own tokens are cut, the special tokens around them (CLIP's <|startoftext|> …
 *   <|endoftext|>, SigLIP's trailing </s>) are kept, so the end-of-text token the text tower pools
 *   at is always there;
 * - padding to the context length (`padding="max_length"`) with the pad id, as CLIP and SigLIP
 *   were trained (SigLIP's text tower needs exactly 64 ids).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Tokenizer } from '@huggingface/tokenizers'
import { type ModelEntry, ModelError } from '../encoder/manifest'

export interface TokenizedText {
  /** int64 ids [maxLength]: special tokens, the (possibly cut) text, then padding. */
  ids: BigInt64Array
  /** [maxLength]: 1 for ids from the text and its special tokens, 0 for padding. */
  mask: BigInt64Array
  /** Ids before padding. */
  length: number
  /** Tokens of the text that did not fit and were cut. */
  truncated: number
}

export interface TextTokenizer {
  maxLength: number
  padId: number
  tokenize(text: string): TokenizedText
}

/**
 * A tokenizer from a parsed tokenizer.json (and tokenizer_config.json, when there is one).
 * `padId` defaults to the config's pad token, else 0.
 */
export function createTokenizer(tokenizerJson: object, tokenizerConfig: object, opts: { maxLength: number; padId?: number }): TextTokenizer {
  const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig)
  const configPad = (tokenizerConfig as { pad_token?: string | { content?: string } }).pad_token
  const padToken = typeof configPad === 'string' ? configPad : configPad?.content
  const padId = opts.padId ?? (padToken !== undefined ? tokenizer.token_to_id(padToken) : undefined) ?? 0
  const { maxLength } = opts
  return {
    maxLength,
    padId,
    tokenize(text) {
      const withSpecials = tokenizer.encode(text).ids
      const plain = tokenizer.encode(text, { add_special_tokens: false }).ids
      let ids = withSpecials
      let truncated = 0
      if (withSpecials.length > maxLength) {
        // The special tokens are what surrounds the text's own ids: keep them, cut the text.
        const before = indexOfRun(withSpecials, plain)
        const after = withSpecials.length - before - plain.length
        const room = maxLength - before - after
        if (before < 0 || room < 0) throw new ModelError('bad-model', `the tokenizer's special tokens alone exceed the context length ${maxLength}`)
        ids = [...withSpecials.slice(0, before), ...plain.slice(0, room), ...withSpecials.slice(withSpecials.length - after)]
        truncated = plain.length - room
      }
      const out = new BigInt64Array(maxLength).fill(BigInt(padId))
      const mask = new BigInt64Array(maxLength)
      ids.forEach((id, i) => {
        out[i] = BigInt(id)
        mask[i] = 1n
      })
      return { ids: out, mask, length: ids.length, truncated }
    },
  }
}

/** Where `run` starts in `ids` (the first occurrence), -1 when it does not occur. */
function indexOfRun(ids: number[], run: number[]): number {
  outer: for (let i = 0; i + run.length <= ids.length; i++) {
    for (let j = 0; j < run.length; j++) if (ids[i + j] !== run[j]) continue outer
    return i
  }
  return -1
}

/** The tokenizer of a model's text tower, from the files its manifest names. */
export async function loadTokenizer(entry: ModelEntry): Promise<TextTokenizer> {
  const { text, files } = entry
  if (!text || !files.tokenizer) throw new ModelError('manifest-mismatch', `${entry.id}: this model has no text tower`)
  const read = async (file: string) => {
    try {
      return JSON.parse(await readFile(join(entry.dir, file), 'utf8')) as object
    } catch (e) {
      throw new ModelError('bad-model', `${entry.id}: cannot read ${join(entry.dir, file)}: ${(e as Error).message.split('\n')[0]}`)
    }
  }
  const json = await read(files.tokenizer)
  const config = files.tokenizerConfig ? await read(files.tokenizerConfig) : {}
  return createTokenizer(json, config, { maxLength: text.maxLength, padId: text.padId })
}
