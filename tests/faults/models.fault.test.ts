/**
 * Faults during `tokenscope models pull` (the built CLI against a local hub serving a generated
 * CLIP-shaped repository, tests/support/hub-server.ts): killed in the middle of writing a download,
 * the disk full during one, an installed model damaged on disk. After each: said in words (a kill
 * cannot speak: the next run resumes), the bytes already downloaded are kept and resumed from with
 * an HTTP range, and the model ends up installed and working.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hubClipFiles, hubRepo } from '../fixtures/hub-repo'
import { makeClip } from '../fixtures/videos'
import { type HubServer, startHubServer } from '../support/hub-server'
import { expectSaid, flipByte, runCli, withPreload, writeFault } from './support/faults'

let hub: HubServer
let clip: string
const files = hubClipFiles()
const VISION = 'onnx/vision_model.onnx'

beforeAll(async () => {
  delete process.env.TOKENSCOPE_MODELS_DIR
  hub = await startHubServer([hubRepo('Xenova/clip-vit-base-patch16', files)])
  clip = await makeClip({ seconds: 4, fps: 10, width: 160, height: 120, kind: 'motion' })
})
afterAll(() => hub.close())

function home() {
  const dir = mkdtempSync(join(tmpdir(), 'ts-fault-models-'))
  const env = { TOKENSCOPE_HUB_URL: hub.url, TOKENSCOPE_DATA_DIR: join(dir, 'data'), TOKENSCOPE_CACHE_DIR: join(dir, 'cache') }
  const model = join(dir, 'data', 'models', 'clip-vit-b16')
  const pull = (extra: Record<string, string> = {}) => runCli(['models', 'pull', 'clip-vit-b16', '--json'], { ...env, ...extra })
  const works = async () => {
    const r = await runCli(['analyze', clip, '--model', 'clip-vit-b16', '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).frames).toBe(4)
  }
  return { env, model, pull, works }
}

/** The Range requests the hub has seen for the vision file since `since`. */
const rangesSince = (since: number) => hub.log.slice(since).filter((l) => l.path.startsWith('/cdn/') && l.range).map((l) => l.range)

describe('faults while a model is pulled', () => {
  it('killed in the middle of writing the download: the next pull resumes from the bytes on disk', async () => {
    const h = home()
    const r = await h.pull(withPreload(writeFault, { TOKENSCOPE_TEST_WRITE_FAULT: 'kill', TOKENSCOPE_TEST_WRITE_PATH: 'vision_model\\.onnx\\.incomplete$' }))
    expect(r.signal).toBe('SIGKILL')
    const partial = join(h.model, '.download', `${VISION}.incomplete`)
    const kept = statSync(partial).size
    expect(kept).toBeGreaterThan(0)
    expect(readFileSync(partial).equals(Buffer.from(files[VISION].subarray(0, kept)))).toBe(true)
    const since = hub.log.length
    const again = await h.pull()
    expect(again.code, again.stderr).toBe(0)
    expect(rangesSince(since)).toContain(`bytes=${kept}-`)
    await h.works()
  })

  it('the disk full during the download: said (not blamed on the network), the next pull resumes', async () => {
    const h = home()
    expectSaid(
      await h.pull(withPreload(writeFault, { TOKENSCOPE_TEST_WRITE_FAULT: 'enospc', TOKENSCOPE_TEST_WRITE_PATH: 'text_model\\.onnx\\.incomplete$' })),
      /onnx\/text_model\.onnx: Could not save: the disk is full writing .*text_model\.onnx\.incomplete \(ENOSPC\)\. What was saved before is kept; free some space and try again\.$/,
    )
    expect(statSync(join(h.model, '.download', VISION)).size).toBe(files[VISION].length) // the file finished before stays
    const again = await h.pull()
    expect(again.code, again.stderr).toBe(0)
    await h.works()
  })

  it('an installed model damaged on disk: pulling it again finds the damage and downloads it again', async () => {
    const h = home()
    expect((await h.pull()).code).toBe(0)
    flipByte(join(h.model, VISION), 30_000)
    const r = await h.pull()
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.notes.join(' ')).toMatch(/the installed copy was not whole \(onnx\/vision_model\.onnx is damaged \(its SHA-256 no longer matches the download\)\): downloaded again/)
    const whole = await h.pull()
    expect(JSON.parse(whole.stdout).notes.join(' ')).toMatch(/already installed/)
    await h.works()
  })
})
