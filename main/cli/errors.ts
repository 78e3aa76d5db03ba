/**
 * Which errors are the user's to fix (one line, no stack) and which are ours (a bug: show the
 * stack). Every service throws its own named error class for the former.
 */
const expectedErrors = new Set(['VideoError', 'ModelError', 'MethodInputError', 'CacheCorruptError', 'CodecError', 'UsageError', 'BenchSetupError', 'PullError', 'AppError', 'AnnotationFormatError', 'AnnotationOpError', 'ProjectError'])

export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * The user stopped the command (Ctrl-C, a SIGTERM): the command exits with 128 + the signal's
 * number (130 for Ctrl-C), as shells report a process a signal ended.
 */
export class InterruptedError extends Error {
  override name = 'AbortError'
  readonly exitCode: number
  constructor(message: string, signal: 'SIGINT' | 'SIGTERM') {
    super(message)
    this.exitCode = 128 + (signal === 'SIGINT' ? 2 : 15)
  }
}

export function describeError(e: unknown): { message: string; expected: boolean } {
  if (e instanceof Error) {
    const expected = expectedErrors.has(e.name) || e.name === 'AbortError'
    const firstLine = e.message.split('\n')[0]
    return { message: expected ? firstLine : `internal error: ${firstLine}`, expected }
  }
  return { message: `internal error: ${String(e)}`, expected: false }
}
