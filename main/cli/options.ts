import { UsageError } from './errors'
import type { CommandContext } from './context'
import type { Sampling } from '../../common/video'
import type { Budget, ParamValues } from '../../common/compression/types'
import { PROVIDER_CHOICES, type ProviderChoice } from '../../common/providers'

export const BUILTIN_MODEL = 'tokenscope-dct16'

function positiveNumber(raw: string, flag: string, integer = false): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${raw}'`)
  return n
}

export function videoArg(ctx: CommandContext): string {
  const [path, ...extra] = ctx.positionals
  if (!path) throw new UsageError('which video? give its path')
  if (extra.length) throw new UsageError(`one video at a time (got also: ${extra.join(' ')})`)
  return path
}

/** --fps N | --frames K | --every-frame; 1 frame per second when none is given. */
export function samplingArg(ctx: CommandContext): Sampling {
  const { fps, frames } = ctx.values as { fps?: string; frames?: string }
  const every = Boolean(ctx.values['every-frame'])
  if ([fps !== undefined, frames !== undefined, every].filter(Boolean).length > 1) throw new UsageError('choose one of --fps, --frames, --every-frame')
  if (every) return { mode: 'every-frame' }
  if (frames !== undefined) return { mode: 'count', frames: positiveNumber(frames, 'frames', true) }
  return { mode: 'fps', fps: fps === undefined ? 1 : positiveNumber(fps, 'fps') }
}

export function providerArg(ctx: CommandContext): ProviderChoice {
  const p = (ctx.values.provider as string | undefined) ?? 'auto'
  const choice = PROVIDER_CHOICES.find((c) => c === p)
  if (!choice) throw new UsageError(`--provider must be one of ${PROVIDER_CHOICES.join(', ')}, got '${p}'`)
  return choice
}

/** --port P: 0 (any free port) to 65535; undefined when not given. */
export function portArg(ctx: CommandContext): number | undefined {
  const raw = ctx.values.port as string | undefined
  if (raw === undefined) return undefined
  const port = Number(raw)
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port needs a number between 0 and 65535, got '${raw}'`)
  return port
}

/** --budget 0.1 (share of input tokens) | --tokens N; 10% when none is given. */
export function budgetArg(ctx: CommandContext): Budget {
  const { budget, tokens } = ctx.values as { budget?: string; tokens?: string }
  if (budget !== undefined && tokens !== undefined) throw new UsageError('choose one of --budget and --tokens')
  if (tokens !== undefined) return { tokens: positiveNumber(tokens, 'tokens', true) }
  const ratio = budget === undefined ? 0.1 : positiveNumber(budget, 'budget')
  if (ratio > 1) throw new UsageError(`--budget is a share of the input tokens in (0, 1], got ${ratio}; use --tokens for a count`)
  return { ratio }
}

/** --param k=v (repeatable); values stay strings, the method's schema converts and checks them. */
export function paramsArg(ctx: CommandContext): ParamValues {
  const out: ParamValues = {}
  for (const kv of (ctx.values.param as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=')
    if (eq <= 0) throw new UsageError(`--param takes key=value, got '${kv}'`)
    out[kv.slice(0, eq)] = kv.slice(eq + 1)
  }
  return out
}

export const seedArg = (ctx: CommandContext): number => (ctx.values.seed === undefined ? 0 : positiveNumber(String(ctx.values.seed), 'seed', true))
