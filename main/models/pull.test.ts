/**
 * `models pull` end to end against a local hub (tests/support/hub-server.ts) serving a generated
 * CLIP-shaped repository: download, verification, graph edit, manifest; a transfer that breaks
 * and resumes; a corrupted file; a hub that refuses; no network.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PullProgress } from '../../common/ipc/contract'
import { getModel } from '../encoder/registry'
import { createEncoder } from '../encoder/session'
import { createTextEncoder } from '../text/text-encoder'
import { pullModel } from './pull'
import { PullError } from './hub'
import { fixtureCatalogEntry, HUB_CLIP, hubClipFiles, hubRepo } from '../../tests/fixtures/hub-repo'
import { type HubServer, startHubServer } from '../../tests/support/hub-server'

const files = hubClipFiles()
const pinnedRepo = hubRepo('fixture/clip-pinned', files)
const openRepo = hubRepo('fixture/clip-open', files, 'beef000000000000000000000000000000000002')
const catalog = [fixtureCatalogEntry('clip-pinned', pinnedRepo, true), fixtureCatalogEntry('clip-open', openRepo, false)]
const VISION = 'onnx/vision_model.onnx'

let hub: HubServer
const dirs: string[] = []
const modelsDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ts-pull-'))
  dirs.push(d)
  return d
}
beforeAll(async () => {
  hub = await startHubServer([pinnedRepo, openRepo])
})
afterEach(() => {
  hub.faults.cut = undefined
  hub.faults.corrupt = undefined
  hub.faults.refuse = undefined
  hub.log.length = 0
})
afterAll(async () => {
  await hub.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const pull = (id: string, dir: string, events?: PullProgress[]) => pullModel(id, { modelsDir: dir, hubUrl: hub.url, catalog, onProgress: (p) => events?.push(p) })

const expectPullError = async (p: Promise<unknown>, code: string, message: RegExp) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(PullError)
  expect((e as PullError).code).toBe(code)
  expect((e as PullError).message).toMatch(message)
  expect((e as PullError).message.split('\n')).toHaveLength(1)
}

describe('models pull', () => {
  it('downloads, verifies against the pinned digests, edits the graph and installs a working model', async () => {
    const dir = modelsDir()
    const events: PullProgress[] = []
    const r = await pull('clip-pinned', dir, events)
    expect(r.alreadyInstalled).toBe(false)
    const entry = await getModel('clip-pinned', [dir])
    expect(entry.pulled?.revision).toBe(pinnedRepo.commit)
    expect(entry.pulled?.files.map((f) => [f.path, f.verifiedBy])).toEqual(Object.keys(files).map((p) => [p, 'catalog']))
    expect(entry.pulled?.edit).toMatchObject({ added: ['last_hidden_state', 'patch_embeds', 'attentions'], skipped: [], softmax: '/vision_model/encoder/layers.1/self_attn/Softmax' })
    // The edited vision file: the download plus the appendix; its digest recorded.
    const visionBytes = statSync(join(dir, 'clip-pinned', VISION)).size
    expect(visionBytes).toBeGreaterThan(files[VISION].length)
    expect(existsSync(join(dir, 'clip-pinned', '.download'))).toBe(false)
    // The manifest comes from config.json / preprocessor_config.json, and the encoder's probe agrees.
    expect(entry.grid).toEqual({ h: 4, w: 4 })
    expect(entry.dim).toBe(HUB_CLIP.dim)
    expect(entry.input).toMatchObject({ size: [32, 32], resize: 'center-crop' })
    expect(entry.outputs).toEqual({
      patchTokens: { name: 'last_hidden_state', dropLeading: 1 },
      classToken: { name: 'last_hidden_state', index: 0 },
      importance: { name: 'attentions', kind: 'cls-attention', fromAttention: { dropLeading: 1 } },
      frameEmbeds: { name: 'image_embeds' },
      patchEmbeds: { name: 'patch_embeds', dropLeading: 1 },
    })
    expect(entry.text).toMatchObject({ outputName: 'text_embeds', maxLength: HUB_CLIP.textLength, embedDim: HUB_CLIP.projDim })
    const enc = await createEncoder(entry, { provider: 'cpu' })
    const out = await enc.encode(new Float32Array(2 * 3 * 32 * 32).map((_, i) => Math.sin(i)), 2)
    await enc.release()
    expect(out.importance?.length).toBe(2 * 16)
    expect(out.frameEmbeds?.length).toBe(2 * HUB_CLIP.projDim)
    expect(out.patchEmbeds?.length).toBe(2 * 16 * HUB_CLIP.projDim)
    const text = await createTextEncoder(entry, { provider: 'cpu' })
    const [q] = await text.embed(['a red car'])
    await text.release()
    expect(Math.hypot(...q.embedding)).toBeCloseTo(1, 5)
    // Progress: phases in order, every byte counted once.
    const phases = events.map((e) => e.phase).filter((p, i, all) => i === 0 || p !== all[i - 1])
    expect(phases).toEqual(['resolving', ...Object.keys(files).flatMap(() => ['downloading', 'verifying']), 'editing', 'checking', 'done'])
    const total = Object.values(files).reduce((s, b) => s + b.length, 0)
    expect(events.at(-1)).toMatchObject({ bytesDone: total, bytesTotal: total })
    // A second pull says it is installed and downloads nothing.
    hub.log.length = 0
    expect((await pull('clip-pinned', dir)).alreadyInstalled).toBe(true)
    expect(hub.log).toEqual([])
  })

  it('with nothing pinned: pins the commit main resolves to and verifies every file against the hub digests, and says so', async () => {
    const dir = modelsDir()
    const r = await pull('clip-open', dir)
    expect(r.entry.pulled?.revision).toBe(openRepo.commit)
    expect(r.entry.pulled?.files.every((f) => f.verifiedBy === 'hub')).toBe(true)
    expect(r.notes).toContain(`fixture/clip-open pinned at commit ${openRepo.commit} (the list has no pinned revision for it)`)
    expect(r.notes.some((n) => n.startsWith(`${VISION}: ${files[VISION].length} bytes, SHA-256 `))).toBe(true)
    // Every download after the first metadata request went to the pinned commit, not to main.
    expect(hub.log.filter((l) => l.path.includes('/resolve/main/'))).toHaveLength(1)
  })

  it('resumes a transfer that breaks off (HTTP range) and installs the exact bytes', async () => {
    const dir = modelsDir()
    const half = Math.floor(files[VISION].length / 2)
    hub.faults.cut = { [VISION]: { after: half, times: 1 } }
    const events: PullProgress[] = []
    await pull('clip-pinned', dir, events)
    expect(hub.log.filter((l) => l.method === 'GET' && l.path.startsWith('/cdn/') && l.range === `bytes=${half}-`)).toHaveLength(1)
    expect(events.some((e) => /resuming at byte \d+/.test(e.message ?? ''))).toBe(true)
    expect((await getModel('clip-pinned', [dir])).pulled?.files.find((f) => f.path === VISION)?.verifiedBy).toBe('catalog')
  })

  it('a transfer that keeps breaking stops with a one-line error, and the next pull resumes from the bytes on disk', async () => {
    const dir = modelsDir()
    hub.faults.cut = { [VISION]: { after: 1000, times: 5 } }
    await expectPullError(pull('clip-pinned', dir), 'interrupted', /onnx\/vision_model\.onnx: the transfer broke off 5 times .*run the command again to resume/)
    const partial = join(dir, 'clip-pinned', '.download', `${VISION}.incomplete`)
    const kept = statSync(partial).size
    expect(kept).toBe(5000)
    hub.log.length = 0
    await pull('clip-pinned', dir)
    expect(hub.log.find((l) => l.method === 'GET' && l.path.startsWith('/cdn/'))?.range).toBe(`bytes=${kept}-`)
    expect(readdirSync(join(dir, 'clip-pinned'))).toContain('manifest.json')
  })

  it('a corrupted download fails its checksum, is deleted, and no model is installed', async () => {
    const dir = modelsDir()
    hub.faults.corrupt = new Set(['tokenizer.json'])
    await expectPullError(pull('clip-pinned', dir), 'checksum', /^tokenizer\.json: SHA-256 [0-9a-f]{64} does not match the pinned [0-9a-f]{64}; the download was deleted/)
    expect(existsSync(join(dir, 'clip-pinned', '.download', 'tokenizer.json.incomplete'))).toBe(false)
    expect(existsSync(join(dir, 'clip-pinned', 'manifest.json'))).toBe(false)
    // Without a pinned digest, the hub's own one catches it: the git blob id of a small file, the SHA-256 of a large one.
    await expectPullError(pull('clip-open', dir), 'checksum', /^tokenizer\.json: git blob id [0-9a-f]{40} does not match the hub's [0-9a-f]{40}/)
    hub.faults.corrupt = new Set([VISION])
    await expectPullError(pull('clip-open', modelsDir()), 'checksum', /^onnx\/vision_model\.onnx: SHA-256 [0-9a-f]{64} does not match the hub's/)
  })

  it('a hub that refuses, an unknown revision, no network, an unknown model: one line each', async () => {
    const dir = modelsDir()
    hub.faults.refuse = { status: 403 }
    await expectPullError(pull('clip-pinned', dir), 'hub-error', /^127\.0\.0\.1:\d+ answered 403 Forbidden for fixture\/clip-pinned: onnx\/vision_model\.onnx: the repository is gated or private$/)
    hub.faults.refuse = { status: 503 }
    await expectPullError(pull('clip-pinned', dir), 'hub-error', /answered 503 Service Unavailable .*try again later/)
    hub.faults.refuse = undefined
    const wrongRevision = [{ ...catalog[0], revision: 'f'.repeat(40) }]
    await expectPullError(pullModel('clip-pinned', { modelsDir: dir, hubUrl: hub.url, catalog: wrongRevision }), 'hub-error', /answered 404 Not Found \(RevisionNotFound\)/)
    const closed = await startHubServer([])
    const deadUrl = closed.url
    await closed.close()
    await expectPullError(pullModel('clip-pinned', { modelsDir: dir, hubUrl: deadUrl, catalog }), 'offline', /^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\); check the network connection, or set TOKENSCOPE_HUB_URL/)
    await expectPullError(pull('nope', dir), 'unknown-model', /^no model 'nope' to pull \(available: clip-pinned, clip-open\)$/)
    expect(existsSync(join(dir, 'clip-pinned', 'manifest.json'))).toBe(false)
  })

  it('records what the edit could not add (no Softmax in the export) and installs with the saliency-free model', async () => {
    const noSoftmax = hubRepo('fixture/clip-fused', hubClipFiles({ attention: 'no-softmax' }))
    const server = await startHubServer([noSoftmax])
    try {
      const dir = modelsDir()
      const r = await pullModel('clip-fused', { modelsDir: dir, hubUrl: server.url, catalog: [fixtureCatalogEntry('clip-fused', noSoftmax, true)] })
      expect(r.notes).toContain('not available: attentions: no Softmax feeds the hidden state')
      expect(r.entry.outputs.importance).toBeUndefined()
      expect(r.entry.outputs.patchEmbeds).toEqual({ name: 'patch_embeds', dropLeading: 1 })
      expect(JSON.parse(readFileSync(join(dir, 'clip-fused', 'manifest.json'), 'utf8')).pulled.edit.skipped).toEqual(['attentions: no Softmax feeds the hidden state'])
    } finally {
      await server.close()
    }
  })
})
