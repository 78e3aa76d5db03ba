/**
 * Fault test: a process editing a project is SIGKILLed at random moments, 200 times; after each
 * kill the file must parse and hold every edit made more than one second before the kill.
 *
 * The victim (support/project-writer.ts, bundled once with esbuild so each start is quick) edits
 * through the real store. Most kills come within 150 ms of its start, at any point of its write
 * cycle (writing the temporary file, fsync, rename, the folder's fsync); one in ten comes after it
 * has run over a second, so edits older than a second exist in the same process too. Three victims
 * run side by side on three files to keep the test short. Afterwards, opening the project clears
 * what the killed writers left beside it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { beforeAll, expect, it } from 'vitest'
import { parseProject } from '../common/annotations/validate'
import { createRng } from '../common/tensor/rng'
import { openProjectStore } from '../main/projects/project-store'

const LANES = 3
const KILLS_PER_LANE = 67
const dir = mkdtempSync(join(tmpdir(), 'ts-project-kill-'))
const victim = join(dir, 'project-writer.mjs')

beforeAll(async () => {
  await build({ entryPoints: [resolve(__dirname, 'support/project-writer.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: victim, logLevel: 'error' })
})

interface Edit {
  seq: number
  at: number
  /** Kill time of the process that made it (set when it is killed). */
  killedAt?: number
}

interface Victim {
  child: ChildProcess
  /** Resolves once it has loaded its code (before it opens the project). */
  loaded: Promise<void>
  /** Opens the project and starts editing; resolves once the store is open. */
  go(firstSeq: number): Promise<void>
}

/** Starts a victim process that loads and waits; its edits go into `edits`. */
function spawnVictim(file: string, edits: Edit[]): Victim {
  const child = spawn(process.execPath, [victim, file], { stdio: ['pipe', 'pipe', 'inherit'] })
  let rest = ''
  let onLoaded = () => {}
  let onReady = () => {}
  const loaded = new Promise<void>((ok) => (onLoaded = ok))
  const ready = new Promise<void>((ok) => (onReady = ok))
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (text: string) => {
    const lines = (rest + text).split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) {
      if (line === 'loaded') onLoaded()
      else if (line === 'ready') onReady()
      else {
        const [seq, at] = line.split(' ').map(Number)
        edits.push({ seq, at })
      }
    }
  })
  return {
    child,
    loaded,
    go(firstSeq) {
      child.stdin!.write(`${firstSeq}\n`)
      return ready
    },
  }
}

/** Every edit made more than a second before its own process was killed is in the file. */
function check(file: string, edits: Edit[]) {
  const required = edits.filter((e) => e.killedAt !== undefined && e.at <= e.killedAt - 1000)
  if (!existsSync(file)) {
    expect(required, 'no file although edits over a second old exist').toHaveLength(0)
    return
  }
  const project = parseProject(readFileSync(file, 'utf8'), file)
  const set = project.sets[0]
  const notes = new Map(set.keyframes.map((k) => [k.id, k.note]))
  const lastRequired = new Map<string, number>()
  for (const e of required) {
    lastRequired.set(`k${e.seq % 1000}`, Math.max(lastRequired.get(`k${e.seq % 1000}`) ?? 0, e.seq))
    if (e.seq % 10 === 0) expect(notes.has(`a${e.seq}`), `added keyframe a${e.seq} (made ${e.killedAt! - e.at} ms before the kill) is in the file`).toBe(true)
  }
  for (const [id, seq] of lastRequired) {
    expect(Number(notes.get(id) || 0), `${id}'s note holds edit ${seq} or a later one`).toBeGreaterThanOrEqual(seq)
  }
}

async function lane(name: string, seed: number): Promise<{ kills: number; edits: number; oldest: number }> {
  const rand = createRng(seed)
  const file = join(dir, `${name}.json`)
  const edits: Edit[] = []
  let oldest = 0
  let next = spawnVictim(file, edits)
  for (let k = 0; k < KILLS_PER_LANE; k++) {
    const current = next
    await current.loaded
    const before = edits.length
    await current.go(edits.at(-1)?.seq ?? 0)
    // The next victim loads while this one edits.
    if (k + 1 < KILLS_PER_LANE) next = spawnVictim(file, edits)
    const wait = rand() < 1 / 10 ? 1050 + rand() * 300 : rand() * 120
    await new Promise((r) => setTimeout(r, wait))
    const exited = new Promise((r) => current.child.once('exit', r))
    const killedAt = Date.now()
    current.child.kill('SIGKILL')
    await exited
    for (let i = before; i < edits.length; i++) {
      edits[i].killedAt = killedAt
      oldest = Math.max(oldest, killedAt - edits[i].at)
    }
    check(file, edits)
  }
  return { kills: KILLS_PER_LANE, edits: edits.length, oldest }
}

it('kill -9 at random moments never loses an edit older than a second, never leaves a broken file', async () => {
  const results = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(`lane${i}`, i + 1)))
  const kills = results.reduce((n, r) => n + r.kills, 0)
  expect(kills).toBeGreaterThanOrEqual(200)
  // The test exercised what it claims: many edits, some over a second old when their process died.
  expect(results.every((r) => r.edits > 500 && r.oldest > 1000)).toBe(true)
  const store = await openProjectStore({ file: join(dir, 'lane0.json'), initial: parseProject(readFileSync(join(dir, 'lane0.json'), 'utf8')) })
  await store.close()
  expect(readdirSync(dir).filter((n) => n.includes('lane0')).sort()).toEqual(['lane0.json', 'lane0.json.bak'])
}, 240_000)
