import { describe, expect, it } from 'vitest'
import type { Channel, EventChannel, Events, RequestOf } from './contract'
import { channels, eventChannels, eventSchemas, isChannel, isEventChannel, requestSchemas, SchemaError } from './schema'

const check = <C extends keyof typeof requestSchemas>(c: C, payload: unknown) => requestSchemas[c](payload, '')
const quickLookFramesSchema = eventSchemas['quicklook:frames']

/** A payload each channel accepts and one it rejects; keyed by the contract, so a channel without a row does not compile. */
const requestSamples: { [C in Channel]: { valid: RequestOf<C>; invalid: unknown } } = {
  'app:info': { valid: undefined, invalid: { x: 1 } },
  'models:list': { valid: undefined, invalid: 'all' },
  'methods:list': { valid: undefined, invalid: 0 },
  'video:choose': { valid: undefined, invalid: {} },
  'video:recent': { valid: undefined, invalid: [] },
  'video:probe': { valid: { path: '/a.mp4' }, invalid: { path: '' } },
  'video:demo': { valid: undefined, invalid: { path: '/a.mp4' } },
  'video:quick-look': { valid: { path: '/a.mp4' }, invalid: {} },
  'video:frame': { valid: { path: '/a.mp4', pts: 1.5, maxWidth: 96 }, invalid: { path: '/a.mp4', pts: -1 } },
  'analysis:start': { valid: { path: '/a.mp4', modelId: 'm', sampling: { mode: 'fps', fps: 1 }, provider: 'auto' }, invalid: { path: '/a.mp4', modelId: 'm', sampling: { mode: 'fps' } } },
  'analysis:cancel': { valid: { jobId: 'j' }, invalid: { jobId: 3 } },
  'tokens:signals': { valid: { videoKey: 'k' }, invalid: { videoKey: 'k', frame: 0 } },
  'tokens:importance': { valid: { videoKey: 'k', frame: 2 }, invalid: { videoKey: 'k', frame: 2.5 } },
  'method:run': {
    valid: { videoKey: 'k', methodId: 'tome', budget: { ratio: 0.1 }, params: { r: 2 }, seed: 1, llm: 'qwen2-7b', slot: 'w1/a' },
    invalid: { videoKey: 'k', methodId: 'tome', budget: { ratio: 2 }, params: {}, seed: 1 },
  },
  'sweep:run': {
    valid: { videoKey: 'k', methods: [{ methodId: 'tome', params: {} }, { methodId: 'scene-segments+tome', params: { 'tome.r': 2 } }], budgets: [0.02, 0.5, 1], seed: 0, sweepId: 's1' },
    invalid: { videoKey: 'k', methods: [], budgets: [0.1], seed: 0, sweepId: 's1' },
  },
  'sweep:cancel': { valid: { sweepId: 's1' }, invalid: { sweepId: '' } },
  'export:save': { valid: { name: 'sweep.svg', bytes: new Uint8Array(3) }, invalid: { name: 'sweep.svg', bytes: [1, 2] } },
  'video:frame-table': { valid: { path: '/a.mp4' }, invalid: { path: '/a.mp4', from: 3 } },
  'video:source-frame': { valid: { path: '/a.mp4', index: 12, maxWidth: 640 }, invalid: { path: '/a.mp4', index: 1.5 } },
  'annotations:open': { valid: { videoPath: '/a.mp4', file: '/p.json' }, invalid: { path: '/a.mp4' } },
  'annotations:edit': {
    valid: { projectId: 'p', clientId: 'w1', seq: 3, op: { type: 'add-keyframe', setId: 's', keyframe: { id: 'k', sourceFrame: 4, pts: 0.16, label: '', note: 'n' } } },
    invalid: { projectId: 'p', clientId: 'w1', seq: 3, op: { type: 'add-keyframe', setId: 's', keyframe: { id: 'k', pts: 0.16 } } },
  },
  'annotations:save-as': { valid: { projectId: 'p', file: '/p.json' }, invalid: { projectId: 'p' } },
  'annotations:recover': { valid: { projectId: 'p' }, invalid: { projectId: '' } },
  'tokens:relevance': { valid: { videoKey: 'k', query: 'a red car' }, invalid: { videoKey: 'k', query: '' } },
  'tokens:patch-relevance': { valid: { videoKey: 'k', query: 'a red car', frame: 3 }, invalid: { videoKey: 'k', query: 'a red car' } },
  'models:pullable': { valid: undefined, invalid: { id: 'x' } },
  'models:pull': { valid: { id: 'clip-vit-b16' }, invalid: { id: '' } },
}

/** The same for every event. */
const eventSamples: { [E in EventChannel]: { valid: Events[E]; invalid: unknown } } = {
  'analysis:progress': {
    valid: { jobId: 'j', videoKey: 'k', phase: 'encoding', framesDone: 3, framesTotal: 10, framesPerSecond: 2.5, etaSeconds: -1, provider: 'cpu', resumed: false },
    invalid: { jobId: 'j', videoKey: 'k', phase: 'paused', framesDone: 3, framesTotal: 10, framesPerSecond: 2.5, etaSeconds: 2 },
  },
  'quicklook:frames': {
    valid: { id: 'q', path: '/a.mp4', start: 0, pts: Float64Array.of(0), width: 1, height: 1, rgba: new Uint8Array(4), novelty: Float32Array.of(0), done: true },
    invalid: { id: 'q', path: '/a.mp4', start: 0, pts: [0], width: 1, height: 1, rgba: new Uint8Array(4), novelty: Float32Array.of(0), done: true },
  },
  'sweep:progress': { valid: { sweepId: 's', done: 3, total: 10, methodId: 'tome', budget: 0.25 }, invalid: { sweepId: 's', done: 3, total: 10, methodId: 'tome', budget: 25 } },
  'annotations:changed': {
    valid: { projectId: 'p', kind: 'op', revision: 4, op: { type: 'remove-keyframe', setId: 's', id: 'k' }, clientId: 'w1', seq: 2 },
    invalid: { projectId: 'p', kind: 'op', revision: 4, op: { type: 'erase-everything' } },
  },
  'models:pull-progress': {
    valid: { modelId: 'clip-vit-b16', phase: 'downloading', file: 'onnx/vision_model.onnx', bytesDone: 10, bytesTotal: 100, bytesPerSecond: 5, etaSeconds: 18 },
    invalid: { modelId: 'clip-vit-b16', phase: 'paused', bytesDone: 10, bytesTotal: 100, bytesPerSecond: 5, etaSeconds: 18 },
  },
}

describe('request schemas', () => {
  it('covers every channel and only those', () => {
    expect([...channels].sort()).toEqual(Object.keys(requestSamples).sort())
    for (const c of channels) {
      expect(isChannel(c)).toBe(true)
      expect(check(c, requestSamples[c].valid)).toEqual(requestSamples[c].valid)
      expect(() => check(c, requestSamples[c].invalid), c).toThrow(SchemaError)
    }
    expect(channels).toContain('method:run')
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

  it('checks sweeps: one to six methods, budgets in (0, 1]', () => {
    const base = { videoKey: 'k', methods: [{ methodId: 'tome', params: {} }], budgets: [0.1], seed: 0, sweepId: 's' }
    expect(check('sweep:run', base)).toEqual(base)
    const seven = Array.from({ length: 7 }, () => ({ methodId: 'tome', params: {} }))
    expect(() => check('sweep:run', { ...base, methods: seven })).toThrow(/methods has 7 items, more than 6/)
    expect(() => check('sweep:run', { ...base, methods: [] })).toThrow(/methods has 0 items, fewer than 1/)
    expect(() => check('sweep:run', { ...base, budgets: [0.1, 0] })).toThrow(/budgets\[1\] must be a number in \(0, 1\]/)
    expect(() => check('sweep:run', { ...base, methods: [{ methodId: 'tome' }] })).toThrow(/methods\[0\]\.params/)
  })

  it('covers every event and only those', () => {
    expect([...eventChannels].sort()).toEqual(Object.keys(eventSamples).sort())
    for (const e of eventChannels) {
      expect(isEventChannel(e)).toBe(true)
      expect(eventSchemas[e](eventSamples[e].valid, '')).toEqual(eventSamples[e].valid)
      expect(() => eventSchemas[e](eventSamples[e].invalid, ''), e).toThrow(SchemaError)
    }
    expect(isEventChannel('toString')).toBe(false)
    expect(isEventChannel('analysis:start')).toBe(false)
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
