/**
 * Every failure that leaves the services becomes an ApiError: a machine `code` and one line the
 * user can act on. Errors of the services that already speak to the user (VideoError, ModelError,
 * MethodInputError, SchemaError, PullError) keep their message; anything else is an internal error, logged
 * with its stack here and shown without it.
 */
import type { ApiError } from '../../common/ipc/contract'

/** An error raised by the app layer itself, with the code the UI sees. */
export class AppError extends Error implements ApiError {
  override name = 'AppError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const named = (e: unknown, name: string): e is Error => e instanceof Error && e.name === name

export function toApiError(e: unknown): ApiError {
  if (e instanceof AppError) return { code: e.code, message: e.message }
  // Matched by name, not class: errors re-thrown from worker threads keep their name only.
  if (named(e, 'SchemaError')) return { code: 'bad-request', message: e.message }
  if (named(e, 'MethodInputError')) return { code: 'method-input', message: e.message }
  if (named(e, 'VideoError') || named(e, 'ModelError') || named(e, 'PullError')) {
    const code = (e as Error & { code?: unknown }).code
    return { code: typeof code === 'string' ? code : 'error', message: e.message }
  }
  if (named(e, 'AbortError')) return { code: 'cancelled', message: 'cancelled' }
  if (named(e, 'CacheCorruptError')) return { code: 'cache-corrupt', message: e.message }
  if (named(e, 'AnnotationOpError') || named(e, 'HistoryError')) return { code: 'annotation-edit', message: e.message }
  if (named(e, 'AnnotationFormatError') || named(e, 'ProjectError')) return { code: 'annotation-project', message: e.message }
  const sys = e as NodeJS.ErrnoException
  if (sys?.code === 'ENOENT') return { code: 'missing', message: `No such file: ${sys.path ?? 'the file'} (check the path)` }
  if (sys?.code === 'EACCES' || sys?.code === 'EPERM') return { code: 'permission', message: `Permission denied: ${sys.path ?? 'the file'}` }
  console.error('[tokenscope] internal error:', e)
  const message = e instanceof Error ? e.message : String(e)
  return { code: 'internal', message: `Internal error: ${message} (see the terminal for details)` }
}
