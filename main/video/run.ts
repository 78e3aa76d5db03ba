import { spawn } from 'node:child_process'

export interface RunResult<Out = string> {
  code: number | null
  /** The signal that ended the process (e.g. SIGSEGV when it crashed), else null. */
  signal: NodeJS.Signals | null
  stdout: Out
  stderr: string
}

/**
 * Runs a command to completion and collects its output. Never rejects for a non-zero exit
 * (callers decide what it means); rejects only when the program cannot be started.
 */
export function runRaw(cmd: string, args: string[], opts: { signal?: AbortSignal } = {}): Promise<RunResult<Buffer>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal })
    const out: Buffer[] = []
    const err: Buffer[] = []
    proc.stdout.on('data', (b: Buffer) => out.push(b))
    proc.stderr.on('data', (b: Buffer) => err.push(b))
    proc.on('error', reject)
    proc.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    )
  })
}

/** `runRaw` with stdout as UTF-8 text. */
export async function run(cmd: string, args: string[], opts: { signal?: AbortSignal } = {}): Promise<RunResult> {
  const res = await runRaw(cmd, args, opts)
  return { ...res, stdout: res.stdout.toString('utf8') }
}

/** True when the process died of a crash rather than exiting with an error. */
export function crashed(res: RunResult<unknown>): boolean {
  return res.signal !== null || (res.code !== null && res.code > 128)
}
