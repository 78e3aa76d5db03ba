/** Seeded PRNG (mulberry32): the same seed gives the same stream on every platform. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** k distinct indices from 0..n-1, ascending, chosen uniformly (partial Fisher–Yates). */
export const sampleIndices = (n: number, k: number, rand: () => number): Int32Array => shuffledPrefix(n, rand, k).slice(0, k).sort()

/**
 * 0..n-1 shuffled by Fisher–Yates (position i swapped with a uniform j ≥ i, i ascending) for the
 * first `steps` positions (default all): the first k entries are the same for every steps ≥ k.
 */
export function shuffledPrefix(n: number, rand: () => number, steps = n): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < steps; i++) {
    const j = i + Math.floor(rand() * (n - i))
    const tmp = pool[i]
    pool[i] = pool[j]
    pool[j] = tmp
  }
  return pool
}
