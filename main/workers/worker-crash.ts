/**
 * A worker thread that died without answering (a native crash in onnxruntime, an out-of-memory
 * kill of the thread, a bug that threw at top level). Said in words for the user, with what is
 * kept and what to do; `code` is the worker's exit code (or null when it threw).
 */
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError'
  constructor(
    /** What the worker was doing, as the user knows it: "the encoder", "the methods worker". */
    readonly worker: string,
    readonly exitCode: number | null,
    /** What survives and what to do now, e.g. "what was analysed before is kept: run again to resume". */
    next: string,
    cause?: Error,
  ) {
    super(`${worker} stopped unexpectedly (${exitCode === null ? `it failed: ${cause?.message ?? 'unknown error'}` : `exit code ${exitCode}`}); ${next}.`)
  }
}
