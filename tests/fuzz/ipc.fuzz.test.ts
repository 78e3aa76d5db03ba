/**
 * Property-based fuzzing (fast-check) of every IPC payload schema (common/ipc/schema.ts): any
 * value a page could send — arbitrary JS values, typed arrays, deep and huge structures — is
 * accepted or refused with SchemaError, for every request channel and every event; the dispatch
 * in front of the services refuses an unknown channel and a bad payload with an error reply.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { channels, eventChannels, eventSchemas, requestSchemas } from '../../common/ipc/schema'
import { dispatch } from '../../main/app/dispatch'
import type { AppServices } from '../../main/app/services'
import { FUZZ_RUNS, outcome } from './fuzz-runs'

const typedArrays = fc.oneof(
  fc.float32Array({ maxLength: 64 }),
  fc.float64Array({ maxLength: 64 }),
  fc.int32Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 64 }),
)
const values = fc.oneof(
  { depthSize: 'small' },
  fc.anything({ withTypedArray: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }),
  typedArrays,
  fc.dictionary(fc.constantFrom('path', 'videoKey', 'method', 'params', 'sampling', 'budget', 'id', 'frames', 'set', 'op', '__proto__', 'constructor'), fc.anything({ withTypedArray: true }), { maxKeys: 8 }),
)

describe('every IPC request schema', () => {
  it.each(channels)('%s: accepted or SchemaError', (channel) => {
    fc.assert(fc.property(values, (v) => ['ok', 'SchemaError'].includes(outcome(() => requestSchemas[channel](v, 'payload')))), { numRuns: FUZZ_RUNS })
  })
})

describe('every IPC event schema', () => {
  it.each(eventChannels)('%s: accepted or SchemaError', (event) => {
    fc.assert(fc.property(values, (v) => ['ok', 'SchemaError'].includes(outcome(() => eventSchemas[event](v, 'payload')))), { numRuns: FUZZ_RUNS })
  })
})

describe('dispatch', () => {
  // No handler may run on a refused request: every handler throws if called.
  const services = { handlers: new Proxy({}, { get: () => () => Promise.reject(new Error('a handler ran')) }) } as unknown as Pick<AppServices, 'handlers'>
  it('an unknown or non-string channel: an error reply', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.anything()), values, async (channel, payload) => {
        fc.pre(!(channels as unknown[]).includes(channel))
        const reply = await dispatch(services as never, channel, payload)
        return reply.ok === false
      }),
      { numRuns: FUZZ_RUNS },
    )
  })
  it('a payload its schema refuses: a bad-request reply, the handler not called', async () => {
    let refused = 0
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...channels), values, async (channel, payload) => {
        if (outcome(() => requestSchemas[channel](payload, 'payload')) !== 'SchemaError') return true
        refused++
        const reply = await dispatch(services as never, channel, payload)
        return reply.ok === false && reply.error.code === 'bad-request'
      }),
      { numRuns: FUZZ_RUNS },
    )
    expect(refused).toBeGreaterThan(0)
  })
})
