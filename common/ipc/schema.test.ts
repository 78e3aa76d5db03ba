import { describe, expect, it } from 'vitest'
import { channels, isChannel, isEventChannel, quickLookFramesSchema, requestSchemas, SchemaError } from './schema'

const check = <C extends keyof typeof requestSchemas>(c: C, payload: unknown) => requestSchemas[c](payload, '')

describe('request schemas', () => {
  it('covers every channel and only those', () => {
    expect(channels).toContain('method:run')
    expect(isChannel('video:probe')).toBe(true)
    expect(isChannel('toString')).toBe(false)
    expect(isChannel('video:delete')).toBe(false)
  })

  it('accepts empty payloads for void channels and rejects anything else', () => {
    expect(check('app:info', undefined)).toBeUndefined()
    expect(check('models:list', null)).toBeUndefined()
    expect(() => check('app:info', { x: 1 })).toThrow(SchemaError)
  })

  it('requires non-empty strings and rejects unknown keys', () => {
    expect(check('video:probe', { path: '/a.mp4' })).toEqual({ path: '/a.mp4' })
    expect(() => check('video:probe', { path: '' })).toThrow(/path must be a non-empty string/)
    expect(() => check('video:probe', { path: 3 })).toThrow(SchemaError)
    expect(() => check('video:probe', { path: 'a\0b' })).toThrow(SchemaError)
    expect(() => check('video:probe', { path: '/a.mp4', extra: 1 })).toThrow(/no field 'extra'/)
    expect(() => check('video:probe', '/a.mp4')).toThrow(/must be an object/)
  })

  it('checks numbers are finite and in range, with optional fields', () => {
    expect(check('video:frame', { path: '/a', pts: 1.5 })).toEqual({ path: '/a', pts: 1.5 })
    expect(check('video:frame', { path: '/a', pts: 0, maxWidth: 640 })).toEqual({ path: '/a', pts: 0, maxWidth: 640 })
    expect(() => check('video:frame', { path: '/a', pts: Number.NaN })).toThrow(/pts must be a number/)
    expect(() => check('video:frame', { path: '/a', pts: -1 })).toThrow(SchemaError)
    expect(() => check('video:frame', { path: '/a', pts: 1, maxWidth: 10.5 })).toThrow(/maxWidth must be an integer/)
    expect(() => check('tokens:importance', { videoKey: 'k', frame: 1.5 })).toThrow(SchemaError)
  })

  it('checks sampling and provider unions', () => {
    const base = { path: '/a.mp4', modelId: 'tokenscope-dct16' }
    expect(check('analysis:start', { ...base, sampling: { mode: 'fps', fps: 2 } }).sampling).toEqual({ mode: 'fps', fps: 2 })
    expect(check('analysis:start', { ...base, sampling: { mode: 'every-frame' }, provider: 'cpu' }).provider).toBe('cpu')
    expect(check('analysis:start', { ...base, sampling: { mode: 'count', frames: 16 } }).sampling).toEqual({ mode: 'count', frames: 16 })
    expect(() => check('analysis:start', { ...base, sampling: { mode: 'fps', fps: 0 } })).toThrow(/sampling must be a sampling/)
    expect(() => check('analysis:start', { ...base, sampling: { mode: 'count', frames: 2.5 } })).toThrow(SchemaError)
    expect(() => check('analysis:start', { ...base, sampling: { mode: 'every-frame', fps: 1 } })).toThrow(SchemaError)
    expect(() => check('analysis:start', { ...base, sampling: { mode: 'fps', fps: 1 }, provider: 'tpu' })).toThrow(/provider must be one of/)
  })

  it('checks budgets and flat params for method:run', () => {
    const base = { videoKey: 'k', methodId: 'tome', params: { r: 2, prop: true, mode: 'mean' }, seed: 1 }
    expect(check('method:run', { ...base, budget: { ratio: 0.25 } }).budget).toEqual({ ratio: 0.25 })
    expect(check('method:run', { ...base, budget: { tokens: 100 } }).budget).toEqual({ tokens: 100 })
    expect(() => check('method:run', { ...base, budget: { ratio: 0 } })).toThrow(/budget/)
    expect(() => check('method:run', { ...base, budget: { ratio: 1.5 } })).toThrow(/budget/)
    expect(() => check('method:run', { ...base, budget: { ratio: 0.5, tokens: 3 } })).toThrow(/budget/)
    expect(() => check('method:run', { ...base, budget: { ratio: 0.5 }, params: { r: [1] } })).toThrow(/params.r/)
    expect(() => check('method:run', { ...base, budget: { ratio: 0.5 }, params: { r: { x: 1 } } })).toThrow(SchemaError)
    expect(() => check('method:run', { ...base, budget: { ratio: 0.5 }, seed: -1 })).toThrow(/seed/)
  })

  it('checks quick-look batches: typed arrays whose sizes agree', () => {
    expect(isEventChannel('quicklook:frames')).toBe(true)
    const batch = { id: 'q', path: '/a.mp4', start: 0, pts: Float64Array.of(0, 1), width: 2, height: 1, rgba: new Uint8Array(16), novelty: Float32Array.of(0, 0.5), done: false }
    expect(quickLookFramesSchema(batch, '')).toEqual(batch)
    expect(() => quickLookFramesSchema({ ...batch, pts: [0, 1] }, '')).toThrow(/pts must be a Float64Array/)
    expect(() => quickLookFramesSchema({ ...batch, rgba: new Uint8Array(12) }, '')).toThrow(/rgba has 12 bytes/)
    expect(() => quickLookFramesSchema({ ...batch, novelty: Float32Array.of(0) }, '')).toThrow(/novelty has 1 values/)
    expect(() => quickLookFramesSchema({ ...batch, extra: 1 }, '')).toThrow(/no field 'extra'/)
  })
})
