/**
 * The one-command path to a real model, as a user runs it (the built CLI in a child process):
 * `tokenscope models pull clip-vit-b16` against a local hub serving a generated CLIP-shaped
 * repository (tests/fixtures/hub-repo.ts), then `analyze --model clip-vit-b16`, then a
 * prompt-guided `compress --query`, `compare --query` and `relevance --query`.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hubClipFiles, hubRepo } from './fixtures/hub-repo'
import { makeClip } from './fixtures/videos'
import { type HubServer, startHubServer } from './support/hub-server'

const bin = join(resolve(__dirname, '..'), 'bin', 'tokenscope.js')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** The CLI in a child process without blocking this one (the hub server runs here). */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('exit', (code) => done({ code, stdout, stderr }))
  })
}

const json = (r: Run) => {
  expect(r.stderr).not.toMatch(/internal error/)
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}

function expectOneLineError(r: Run, pattern: RegExp) {
  expect(r.code).toBe(1)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
}

describe('tokenscope models pull → analyze → compress --query', () => {
  let hub: HubServer
  let home: string
  let env: Record<string, string>
  let clip: string
  beforeAll(async () => {
    hub = await startHubServer([hubRepo('Xenova/clip-vit-base-patch16', hubClipFiles())])
    home = mkdtempSync(join(tmpdir(), 'ts-models-cli-'))
    env = { TOKENSCOPE_HUB_URL: hub.url, TOKENSCOPE_DATA_DIR: join(home, 'data'), TOKENSCOPE_CACHE_DIR: join(home, 'cache') }
    delete process.env.TOKENSCOPE_MODELS_DIR
    clip = await makeClip({ seconds: 8, fps: 10, width: 160, height: 120, kind: 'motion' })
  }, 120_000)
  afterAll(async () => {
    await hub.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('works end to end, and says what each model provides and which tokens a result is computed on', async () => {
    const pulled = json(await cli(['models', 'pull', 'clip-vit-b16', '--json'], env))
    expect(pulled.id).toBe('clip-vit-b16')
    expect(pulled.dir).toBe(join(home, 'data', 'models', 'clip-vit-b16'))
    expect(pulled.provides).toEqual({ classToken: true, importance: 'cls-attention', textTower: true, textRelevance: 'frame-and-patch' })
    expect(pulled.pulled.revision).toMatch(/^[0-9a-f]{40}$/)
    expect(pulled.notes.some((n: string) => /pinned at this download/.test(n))).toBe(true)

    const listed = json(await cli(['models', '--json'], env))
    const row = listed.models.find((m: { id: string }) => m.id === 'clip-vit-b16')
    expect(row).toMatchObject({ classToken: true, importance: 'cls-attention', textEncoder: true, textRelevance: 'frame-and-patch' })
    expect(row.tokens).toBe("clip-vit-b16: 4×4 patch tokens of 16 dims per frame (rows 1–16 of 'last_hidden_state')")
    expect(listed.pullable.find((m: { id: string }) => m.id === 'clip-vit-b16').installed).toBe(true)
    const text = await cli(['models'], env)
    expect(text.stdout).toMatch(/tokenscope models pull clip-vit-b32\s+CLIP ViT-B\/32/)

    const analyzed = json(await cli(['analyze', clip, '--model', 'clip-vit-b16', '--json'], env))
    expect(analyzed.frames).toBe(8)
    expect(analyzed.importanceKind).toBe('cls-attention')

    const r = json(await cli(['compress', clip, '--model', 'clip-vit-b16', '--method', 'f2c-clips', '--query', 'a red car', '--json'], env))
    expect(r.method).toBe('f2c-clips')
    expect(r.query).toBe('a red car')
    expect(r.tokens).toBe(row.tokens)
    expect(r.report.tokensOut).toBeGreaterThan(0)
    expect(r.report.tokensOut).toBeLessThanOrEqual(r.report.budgetTokens)
    expect(r.report.keyframes.length).toBeGreaterThan(0)
    expect(r.metrics.queryRelevanceRetained).toBeGreaterThan(0)

    const c = json(await cli(['compare', clip, '--model', 'clip-vit-b16', '--methods', 'cdpruner,tstar-search,recoverable,ppllava-pool,b-vllm-select', '--query', 'a red car', '--json'], env))
    expect(c.rows.map((row: { error?: string }) => row.error ?? null)).toEqual([null, null, null, null, null])

    const rel = json(await cli(['relevance', clip, '--model', 'clip-vit-b16', '--query', 'a red car', '--top', '3', '--json'], env))
    expect(rel.frames).toHaveLength(3)
    expect(rel.scores).toHaveLength(8)
    expect(rel.frames[0].score).toBeGreaterThanOrEqual(rel.frames[1].score)
    expect(rel.frames[0].score).toBe(Math.max(...rel.scores))
  }, 300_000)

  it('a prompt-guided method on a model without a text tower refuses in one line and says how to get one', async () => {
    expectOneLineError(await cli(['compress', clip, '--method', 'cdpruner', '--query', 'a red car', '--json'], env), /cdpruner needs a model with a text tower, and model tokenscope-dct16 has none .*tokenscope models pull clip-vit-b16/)
    expectOneLineError(await cli(['relevance', clip, '--query', 'a red car', '--json'], env), /model tokenscope-dct16 has no text tower.*tokenscope models pull clip-vit-b16/)
  }, 120_000)

  it('a hub that refuses, and an unknown model: one line each', async () => {
    hub.faults.refuse = { status: 401 }
    try {
      expectOneLineError(await cli(['models', 'pull', 'clip-vit-b32'], env), /^tokenscope models: 127\.0\.0\.1:\d+ answered 401 Unauthorized .*gated or private$/)
    } finally {
      hub.faults.refuse = undefined
    }
    expectOneLineError(await cli(['models', 'pull', 'clip-vit-b99'], env), /^tokenscope models: no model 'clip-vit-b99' to pull \(available: clip-vit-b32, clip-vit-b16, siglip-b16-224, dinov2-small\)$/)
  }, 60_000)
})
