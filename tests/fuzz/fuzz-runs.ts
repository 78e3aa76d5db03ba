/**
 * How many cases each property-based fuzzer runs. CI keeps the default (a few hundred per
 * property, seconds in all); FUZZ_RUNS=20000 npx vitest run tests/fuzz runs longer on demand.
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 300

/**
 * Runs `fn` and returns how it ended: 'ok', or the name of the error it threw. A fuzzed input may
 * be accepted or refused, but refused only with the module's own typed error.
 */
export function outcome(fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (e) {
    return e instanceof Error ? e.name : typeof e
  }
}

/** Byte-level damage to a valid encoding: flips, overwrites, cuts and insertions at random places. */
export function damage(bytes: Uint8Array, edits: { at: number; kind: 'flip' | 'set' | 'cut' | 'insert'; value: number }[]): Uint8Array {
  let out = bytes.slice()
  for (const e of edits) {
    const at = out.length ? e.at % out.length : 0
    if (e.kind === 'flip' && out.length) out[at] ^= 1 << (e.value & 7)
    else if (e.kind === 'set' && out.length) out[at] = e.value & 255
    else if (e.kind === 'cut') out = out.slice(0, at)
    else if (e.kind === 'insert') out = Uint8Array.from([...out.subarray(0, at), e.value & 255, ...out.subarray(at)])
  }
  return out
}
