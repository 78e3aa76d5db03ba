/**
 * Running the built CLI under a fault, and checking what it leaves behind. The faults come from
 * two preloads passed through NODE_OPTIONS (crash-worker.mjs, write-fault.mjs), from signals sent
 * to the CLI or its ffmpeg, and from damaging files on disk.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect } from 'vitest'

const root = resolve(__dirname, '..', '..', '..')
const bin = join(root, 'bin', 'tokenscope.js')
export const crashWorker = join(__dirname, 'crash-worker.mjs')
export const writeFault = join(__dirname, 'write-fault.mjs')

export interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface Started {
  child: ChildProcess
  done: Promise<Run>
}

/**
 * The CLI in a child process (not blocking this one: a local hub may be serving from here).
 * `fileSizeLimitKiB`: run it under `ulimit -f`, so the kernel fails a write past that size (EFBIG),
 * the nearest thing to a full disk without a size-limited mount.
 */
export function startCli(args: string[], env: Record<string, string> = {}, opts: { fileSizeLimitKiB?: number } = {}): Started {
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) throw new Error("the CLI is not built: run 'npm run build' first")
  const command = opts.fileSizeLimitKiB ? ['bash', '-c', `ulimit -f ${opts.fileSizeLimitKiB}; exec "$0" "$@"`, process.execPath] : [process.execPath]
  const child = spawn(command[0], [...command.slice(1), bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  const done = new Promise<Run>((ok) => child.on('exit', (code, signal) => ok({ code, signal, stdout, stderr })))
  return { child, done }
}

export const runCli = (args: string[], env: Record<string, string> = {}, opts: { fileSizeLimitKiB?: number } = {}) => startCli(args, env, opts).done

/** Env that loads a fault preload into the CLI. */
export const withPreload = (preload: string, vars: Record<string, string>) => ({ NODE_OPTIONS: `--import ${preload}`, ...vars })

/** Waits until `ready()` holds (polling every 10 ms); fails after `ms`. */
export async function waitFor(ready: () => boolean, ms = 120_000, what = 'the condition'): Promise<void> {
  const started = Date.now()
  while (!ready()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The first file named `name` under `dir`, or undefined. */
export function findFile(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry)
    if (entry === name) return p
    if (statSync(p).isDirectory()) {
      const found = findFile(p, name)
      if (found) return found
    }
  }
  return undefined
}

/** The ids of `pid`'s child processes whose command line matches `pattern`. */
export function childrenOf(pid: number, pattern: RegExp): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((p) => existsSync(`/proc/${p}/cmdline`) && pattern.test(readFileSync(`/proc/${p}/cmdline`, 'utf8')))
  } catch {
    return []
  }
}

/** Inverts one byte of `file` at `at` (bit rot, a bad sector). */
export function flipByte(file: string, at: number): void {
  const fd = openSync(file, 'r+')
  const b = new Uint8Array(1)
  readSync(fd, b, 0, 1, at)
  b[0] ^= 0xff
  writeSync(fd, b, 0, 1, at)
  closeSync(fd)
}

/**
 * The bytes of the whole chunks at the start of a token cache's tokens.bin (chunk headers: magic,
 * first frame, count, payload bytes at 12): what a fault must leave as it was.
 */
export function wholeChunks(tokensBin: string): Buffer {
  const data = readFileSync(tokensBin)
  let end = 0
  while (end + 32 <= data.length && data.readUInt32LE(end) === 0x4b435354) {
    const next = end + 32 + data.readUInt32LE(end + 12)
    if (next > data.length) break
    end = next
  }
  return data.subarray(0, end)
}

/** A fault the user is told about: exit 1, one line naming the command, no stack trace. */
export function expectSaid(r: Run, pattern: RegExp): void {
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/)
  const lines = r.stderr.trim().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^tokenscope \w+: /)
  expect(lines[0]).toMatch(pattern)
  expect(r.code).toBe(1)
}
