/**
 * The building blocks of runtime validation (schema.ts checks the IPC contract with them; the
 * annotation files use them too). A `Validator<T>` returns its input narrowed to T, or throws a
 * `SchemaError` saying where and why (`budget.ratio must be a number in (0, 1]`). Objects reject
 * keys they do not know, so a typo in a payload is an error instead of a silently ignored option.
 * No dependencies.
 */
export class SchemaError extends Error {
  override name = 'SchemaError'
}

export type Validator<T> = (value: unknown, at: string) => T

const fail = (at: string, what: string, value: unknown): never => {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value)
  throw new SchemaError(`${at || 'payload'} must be ${what}, got ${shown}`)
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)

/** A non-empty string of at most `maxLength` characters without NUL bytes. */
export const str = (maxLength = 4096): Validator<string> => (v, at) =>
  typeof v === 'string' && v.length > 0 && v.length <= maxLength && !v.includes('\0') ? v : fail(at, `a non-empty string (at most ${maxLength} characters)`, v)

/** A finite number in [min, max] (`exclusiveMin`: in (min, max]); `integer` also requires a whole number. */
export const num = (min: number, max: number, opts: { integer?: boolean; exclusiveMin?: boolean } = {}): Validator<number> => (v, at) => {
  const ok = typeof v === 'number' && Number.isFinite(v) && (opts.exclusiveMin ? v > min : v >= min) && v <= max && (!opts.integer || Number.isInteger(v))
  return ok ? v : fail(at, `${opts.integer ? 'an integer' : 'a number'} in ${opts.exclusiveMin ? '(' : '['}${min}, ${max}]`, v)
}

export const oneOf = <const T extends readonly string[]>(options: T): Validator<T[number]> => (v, at) =>
  typeof v === 'string' && options.includes(v) ? (v as T[number]) : fail(at, `one of ${options.join(', ')}`, v)

export const literal = <const T extends string>(value: T): Validator<T> => (v, at) => (v === value ? value : fail(at, `'${value}'`, v))

type Shape = Record<string, Validator<unknown>>
type Optional<V> = V & { optional: true }
type OutOf<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? never : K]: ReturnType<S[K]> } & {
  [K in keyof S as S[K] extends { optional: true } ? K : never]?: ReturnType<S[K]>
}

/** Marks an object field as optional (absent or undefined). */
export const optional = <T>(inner: Validator<T>): Optional<Validator<T>> => Object.assign((v: unknown, at: string) => inner(v, at), { optional: true as const })

/** An object with exactly the fields of `shape` (optional ones may be missing); unknown keys are an error. */
export const obj = <S extends Shape>(shape: S): Validator<OutOf<S>> => (v, at) => {
  if (!isPlainObject(v)) return fail(at, 'an object', v)
  for (const key of Object.keys(v)) if (!(key in shape)) throw new SchemaError(`${at || 'payload'} has no field '${key}' (has: ${Object.keys(shape).join(', ')})`)
  const out: Record<string, unknown> = {}
  for (const [key, check] of Object.entries(shape)) {
    const value = v[key]
    if (value === undefined && (check as Partial<Optional<unknown>>).optional) continue
    out[key] = check(value, at ? `${at}.${key}` : key)
  }
  return out as OutOf<S>
}

/** A union discriminated by which alternative accepts the value; the error lists them all. */
export const union = <V extends Validator<unknown>[]>(what: string, ...alternatives: V): Validator<ReturnType<V[number]>> => (v, at) => {
  const reasons: string[] = []
  for (const alt of alternatives) {
    try {
      return alt(v, at) as ReturnType<V[number]>
    } catch (e) {
      reasons.push((e as Error).message)
    }
  }
  throw new SchemaError(`${at || 'payload'} must be ${what} (${reasons.join('; or ')})`)
}

/** A flat record of number | boolean | string values (method parameters), at most `maxKeys` keys. */
export const flatRecord = (maxKeys = 64): Validator<Record<string, number | boolean | string>> => (v, at) => {
  if (!isPlainObject(v)) return fail(at, 'an object of parameters', v)
  const entries = Object.entries(v)
  if (entries.length > maxKeys) throw new SchemaError(`${at} has more than ${maxKeys} parameters`)
  for (const [key, value] of entries) {
    const ok = typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= 256)
    if (!ok || key.length === 0 || key.length > 128) fail(`${at}.${key}`, 'a number, boolean or short string', value)
  }
  return v as Record<string, number | boolean | string>
}

/** An instance of the typed array `type` (e.g. Float64Array) with at most `maxLength` elements. */
export const typedArray = <T extends ArrayBufferView & { length: number }>(type: abstract new (...args: never[]) => T, maxLength = 2 ** 31): Validator<T> => (v, at) =>
  v instanceof type && v.length <= maxLength ? v : fail(at, `a ${type.name} (at most ${maxLength} elements)`, v)

export const bool: Validator<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v))

/** No payload: undefined (or null, which is how JSON carries nothing). */
export const none: Validator<void> = (v, at) => (v === undefined || v === null ? undefined : fail(at, 'empty', v))

/** A string of at most `maxLength` characters, possibly empty, without NUL bytes. */
export const text = (maxLength: number): Validator<string> => (v, at) =>
  typeof v === 'string' && v.length <= maxLength && !v.includes('\0') ? v : fail(at, `text of at most ${maxLength} characters`, v)

/** An array of `minLength` (default 0) to `maxLength` items, each checked by `item` (errors say `at[i]`). */
export const arrayOf = <T>(item: Validator<T>, maxLength: number, minLength = 0): Validator<T[]> => (v, at) => {
  if (!Array.isArray(v)) return fail(at, 'a list', v)
  if (v.length > maxLength) throw new SchemaError(`${at || 'payload'} has ${v.length} items, more than ${maxLength}`)
  if (v.length < minLength) throw new SchemaError(`${at || 'payload'} has ${v.length} items, fewer than ${minLength}`)
  return v.map((x, i) => item(x, `${at}[${i}]`))
}
