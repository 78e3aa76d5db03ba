/**
 * Property-based fuzzing (fast-check) of the binary decoders: the token-map codec, the method
 * result codec and the IPC wire frames. Valid encodings damaged at random, and random bytes,
 * decode or are refused with the codec's own error (CodecError, WireError): never another
 * exception (a RangeError from a bad offset, a TypeError), a crash or a hang.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeMethodResult, encodeMethodResult } from '../../common/codec/method-result-codec'
import { decodeTokenMap, encodeTokenMap } from '../../common/codec/token-map-codec'
import { decodeFrame, encodeFrame } from '../../common/ipc/wire'
import { sampleMap } from '../support/token-maps'
import { damage, FUZZ_RUNS, outcome } from './fuzz-runs'

const edits = fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'set', 'cut', 'insert'), value: fc.nat(255) }), { minLength: 1, maxLength: 6 })
const bytes = fc.uint8Array({ maxLength: 4096 })

function fuzz(name: string, valid: Uint8Array, decode: (b: Uint8Array) => unknown, allowed: string) {
  describe(name, () => {
    it('damaged valid encodings: decoded or refused with ' + allowed, () => {
      fc.assert(fc.property(edits, (e) => ['ok', allowed].includes(outcome(() => decode(damage(valid, e))))), { numRuns: FUZZ_RUNS })
    })
    it('random bytes (with and without the right magic): refused with ' + allowed, () => {
      fc.assert(
        fc.property(bytes, fc.boolean(), (b, withMagic) => {
          const input = withMagic ? Uint8Array.from([...valid.subarray(0, 16), ...b]) : b
          return ['ok', allowed].includes(outcome(() => decode(input)))
        }),
        { numRuns: FUZZ_RUNS },
      )
    })
    it('the valid encoding itself decodes', () => expect(outcome(() => decode(valid))).toBe('ok'))
  })
}

const map = sampleMap()
fuzz('token-map codec', new Uint8Array(encodeTokenMap(map)), (b) => decodeTokenMap(b), 'CodecError')
fuzz(
  'method result codec',
  new Uint8Array(encodeMethodResult({ map, report: { budgetTokens: 3, tokensOut: 3, importanceSource: 'saliency-proxy', derived: { threshold: 0.5 }, notes: ['a note'] }, features: new Float32Array(map.tokenSizes.length * 2) })),
  (b) => decodeMethodResult(b),
  'CodecError',
)
fuzz('IPC wire frames', new Uint8Array(encodeFrame({ id: 7, channel: 'video:probe', payload: { path: '/v.mp4', list: [1, 2, 3], pts: new Float64Array([0, 0.5]) } })), (b) => decodeFrame(b), 'WireError')
