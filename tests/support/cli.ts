/** Running the built `tokenscope` CLI in a child process, and what its answers must look like. */
import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { expect } from 'vitest'

const bin = join(resolve(__dirname, '..', '..'), 'bin', 'tokenscope.js')

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export function cli(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

export const json = (r: Run) => {
  expect(r.stderr).not.toMatch(/internal error/)
  return JSON.parse(r.stdout)
}

/** A user-facing failure: exit 1, exactly one line on stderr, no stack trace. */
export function expectOneLineError(r: Run, pattern: RegExp) {
  expect(r.code).toBe(1)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^tokenscope \w+: /)
  expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}
