/**
 * Budget-independent work kept per video and model (issue 11, item 3): what methods prepared
 * (types.ts Prepared) on a first run, in shared memory, so a budget change of the same method,
 * parameters and seed is answered from it without the tokens. Bounded in bytes: the least
 * recently used runs are dropped first. Owned by whoever runs methods for the app (method-runs.ts)
 * or the bench; nothing here is global.
 */
import { preparedBytes, type PackedPrepared } from '../../common/compression/prepared'

export interface PreparedStore {
  get(key: string): PackedPrepared | undefined
  set(key: string, value: PackedPrepared): void
  /** Bytes held now. */
  readonly bytes: number
}

export const DEFAULT_PREPARED_BYTES = 512 * 1024 * 1024

export function createPreparedStore(maxBytes = DEFAULT_PREPARED_BYTES): PreparedStore {
  const entries = new Map<string, { value: PackedPrepared; bytes: number }>()
  let bytes = 0
  return {
    get(key) {
      const e = entries.get(key)
      if (!e) return undefined
      entries.delete(key)
      entries.set(key, e) // most recently used last
      return e.value
    },
    set(key, value) {
      const old = entries.get(key)
      if (old) {
        bytes -= old.bytes
        entries.delete(key)
      }
      const size = preparedBytes(value)
      if (size > maxBytes) return
      entries.set(key, { value, bytes: size })
      bytes += size
      for (const [k, e] of entries) {
        if (bytes <= maxBytes) break
        entries.delete(k)
        bytes -= e.bytes
      }
    },
    get bytes() {
      return bytes
    },
  }
}
