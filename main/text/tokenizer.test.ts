import { describe, expect, it } from 'vitest'
import { createTokenizer } from './tokenizer'
import { FIXTURE_MERGES, makeClipTokenizer } from '../../tests/fixtures/tokenizer'

const fx = makeClipTokenizer(FIXTURE_MERGES)
const tok = createTokenizer(fx.json, fx.config, { maxLength: 12 })
const ids = (text: string) => {
  const t = tok.tokenize(text)
  return Array.from(t.ids.subarray(0, t.length), Number)
}

// Ids checked by hand: byte symbols in GPT-2's bytes_to_unicode order ('!' = 0 … '~' = 93,
// '¡' = 94 … '¬' = 105, '®' = 106 … 'ÿ' = 187, then bytes 0–32, 127–160, 173 as 188–255),
// +256 with '</w>'; merges from 512 in rank order; <|startoftext|> and <|endoftext|> after them.
describe('tokenizer (the model tokenizer.json through @huggingface/tokenizers)', () => {
  it('the fixture vocabulary is what the comments above say', () => {
    expect([fx.id('!'), fx.id('a'), fx.id('a</w>'), fx.id('Ã'), fx.id('©</w>')]).toEqual([0, 64, 320, 127, 358])
    expect([fx.id('re'), fx.id('red</w>'), fx.id('car</w>'), fx.id('photo</w>'), fx.id('of</w>')]).toEqual([512, 513, 515, 519, 520])
    expect([fx.bos, fx.eos]).toEqual([521, 522])
  })

  it('lowercases, splits words, applies the merges, and adds start / end of text', () => {
    expect(ids('a red car')).toEqual([fx.bos, 320, 513, 515, fx.eos])
    expect(ids('A  RED\tcar')).toEqual(ids('a red car'))
    expect(ids('a photo of a red car.')).toEqual([fx.bos, 320, 519, 520, 320, 513, 515, 256 + 13, fx.eos]) // '.' = 46 − 33
  })

  it('encodes unicode by its UTF-8 bytes: é (C3 A9), an emoji (F0 9F 9A 97), NFC composition', () => {
    // café: c a (merged: 'ca' = 514) f Ã ©</w>
    expect(ids('café')).toEqual([fx.bos, 514, 69, 127, 358, fx.eos])
    expect(ids('naïve')).toEqual([fx.bos, 77, 64, 127, 106 + (0xaf - 0xae), 85, 256 + 68, fx.eos]) // ï = C3 AF
    // e + combining acute (U+0301) composes to é under NFC: the same ids
    expect(ids('cafe\u0301')).toEqual(ids('café'))
    // 🚗: bytes F0 (240 → 172), 9F (159 → 253), 9A (154 → 248), 97 (151 → 245, last: +256)
    expect(ids('🚗')).toEqual([fx.bos, 172, 253, 248, 256 + 245, fx.eos])
  })

  it('the empty string is just start and end of text, then padding with the pad token', () => {
    const t = tok.tokenize('')
    expect(t.length).toBe(2)
    expect(Array.from(t.ids, Number)).toEqual([fx.bos, fx.eos, ...Array(10).fill(fx.eos)]) // pad = <|endoftext|>, as CLIP's config says
    expect(Array.from(t.mask, Number)).toEqual([1, 1, ...Array(10).fill(0)])
    expect(t.truncated).toBe(0)
  })

  it('truncates an overlong text to the context length and keeps both special tokens', () => {
    const long = Array(20).fill('car').join(' ')
    const t = tok.tokenize(long)
    expect(t.length).toBe(12)
    expect(t.truncated).toBe(10)
    expect(Array.from(t.ids, Number)).toEqual([fx.bos, ...Array(10).fill(515), fx.eos])
    expect(Array.from(t.mask, Number)).toEqual(Array(12).fill(1))
    // exactly at the limit: nothing cut
    expect(tok.tokenize(Array(10).fill('car').join(' ')).truncated).toBe(0)
  })

  it('pads with an explicit pad id when the manifest gives one', () => {
    const zeroPad = createTokenizer(fx.json, {}, { maxLength: 6, padId: 0 })
    expect(Array.from(zeroPad.tokenize('a').ids, Number)).toEqual([fx.bos, 320, fx.eos, 0, 0, 0])
    expect(createTokenizer(fx.json, {}, { maxLength: 6 }).padId).toBe(0) // no config, no pad id: 0
  })
})
