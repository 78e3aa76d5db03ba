/**
 * IEEE 754 half-precision conversion (Node 20 has no Float16Array). Round-to-nearest-even on the
 * way in, exact on the way out (every half is a float; decoding is a table lookup). The token
 * cache converts millions of values per second through these.
 */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** float32 → half bits, round to nearest even (NaN stays NaN, overflow → ±Inf). */
export function toHalf(value: number): number {
  f32[0] = value
  const x = u32[0]
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  const mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 31) return sign | 0x7c00
  if (e <= 0) {
    // Subnormal half: m × 2^-24 with m = (1.mant) × 2^(e-1+24-10).
    if (e < -10) return sign
    const full = mant | 0x800000
    const shift = 14 - e
    const h = full >>> shift
    const rem = full & ((1 << shift) - 1)
    const half = 1 << (shift - 1)
    return sign | (rem > half || (rem === half && h & 1) ? h + 1 : h)
  }
  const h = (e << 10) | (mant >>> 13)
  const rem = mant & 0x1fff
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  return sign | (rem > 0x1000 || (rem === 0x1000 && h & 1) ? h + 1 : h)
}

const halfToFloat = new Float32Array(65536)
for (let h = 0; h < 65536; h++) {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >> 10) & 0x1f
  const mant = h & 0x3ff
  halfToFloat[h] =
    exp === 0 ? sign * mant * 2 ** -24 : exp === 31 ? (mant ? NaN : sign * Infinity) : sign * (1 + mant / 1024) * 2 ** (exp - 15)
}

/** Float32Array → Uint16Array of half bits. */
export function encodeHalf(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  for (let i = 0; i < src.length; i++) out[i] = toHalf(src[i])
  return out
}

/** Uint16Array of half bits → Float32Array. */
export function decodeHalf(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  for (let i = 0; i < src.length; i++) out[i] = halfToFloat[src[i]]
  return out
}
