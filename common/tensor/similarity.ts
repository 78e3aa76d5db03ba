/**
 * Similarity kernels: the O(N²·D) work of the methods (cosine and dot matrices, best matches,
 * same-position cosines) as float32 WebAssembly SIMD (scripts/kernels/similarity-wat.ts).
 *
 * Why WebAssembly SIMD: measured on this project's hardware against plain and tuned JavaScript,
 * onnxruntime (batched MatMul) and NumPy (notes in the bench): 30–90× the JavaScript loops per
 * core, no per-call cost (onnxruntime pays 20–160 µs a call and needs batches, which fights the
 * per-frame plan and streaming), the same bits on every machine (wasm float arithmetic is fully
 * specified; no fused multiply-add), and pure: it runs in workers, the CLI and the renderer alike.
 *
 * Conventions (so results are deterministic and a scalar reference can reproduce them):
 * - rows are made unit length as tensor/vectors.ts l2NormalizeRows does (sum of squares in float64,
 *   each value rounded once to float32; a zero row stays zero, so its cosines are 0);
 * - a dot product is a float32 sum: lane l of four sums a[k]·b[k] for k ≡ l (mod 4) in increasing
 *   k, then ((l0 + l1) + (l2 + l3)). S[i][j] = S[j][i] bit for bit; equal rows score equal;
 * - against float64 the cosines differ by at most 2e-6 (measured 6e-7 at D = 768), so an order
 *   or argmax can differ from a float64 one only where two values are within that of each other;
 * - ties: best matches take the first column (a strict > scan); rankings of the results are left
 *   to tensor/top-k.ts (equal values: lower index first).
 *
 * One instance per thread, created on first use; its memory is scratch for one call at a time
 * (calls are synchronous), grown when a call needs more, and nothing in it outlives a call.
 */
import { SIMILARITY_WASM_BASE64 } from './similarity-wasm'

interface Exports {
  memory: WebAssembly.Memory
  gram(pa: number, na: number, pb: number, nb: number, rb: number, pc: number, sym: number): void
  rowDots(pa: number, pb: number, n: number, rb: number, pout: number): void
  rowMax(pc: number, rows: number, cols: number, pmax: number, pidx: number): void
  packRows(px: number, wide: number, n: number, d: number, pidx: number, unit: number, pout: number, rb: number): void
  addRows(psums: number, pdst: number, psrc: number, count: number, d: number): void
  scatterRows(px: number, pslot: number, n: number, d: number, psums: number): void
  maxMinOrder(ps: number, n: number, pout: number, pbest: number): void
  widen(px: number, count: number, pout: number): void
}

/** The module's instance on this thread and the top of its scratch stack (bytes in use). */
let instance: { exports: Exports; top: number } | undefined

function kernels(): { exports: Exports; top: number } {
  if (!instance) {
    const bytes = Uint8Array.from(atob(SIMILARITY_WASM_BASE64), (c) => c.charCodeAt(0))
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports
    instance = { exports, top: 16 }
  }
  return instance
}

/** Row bytes of a padded float32 row of width d (a multiple of 16). */
export const paddedRowBytes = (d: number): number => Math.ceil(d / 4) * 16

/** Bytes of n rows of width d in the kernels' panels of four rows (scripts/kernels/similarity-wat.ts). */
export const panelBytes = (n: number, d: number): number => Math.ceil(n / 4) * 4 * paddedRowBytes(d)

/**
 * Scratch space in the kernels' memory, allocated as a stack: a Scratch allocates above the top
 * it found and release() gives back everything allocated since it was made (so scratches nest and
 * must be released in reverse order, which try/finally gives). Byte 0 is never handed out, so the
 * kernels can take -1 for "none".
 */
export class Scratch {
  private readonly kernel = kernels()
  readonly k = this.kernel.exports
  private readonly base = this.kernel.top

  /** `bytes` of memory (16-byte aligned); grows the memory when needed (take views after allocating). */
  alloc(bytes: number): number {
    const at = this.kernel.top
    this.kernel.top = at + Math.ceil(bytes / 16) * 16
    const need = this.kernel.top - this.k.memory.buffer.byteLength
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536))
    return at
  }

  release(): void {
    this.kernel.top = this.base
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, length)
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, length)
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, ptr, length)
  }

  /** Copies `x` in; returns its pointer. */
  put(x: Float32Array | Int32Array | Float64Array): number {
    const ptr = this.alloc(x.byteLength)
    new Uint8Array(this.k.memory.buffer, ptr, x.byteLength).set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
    return ptr
  }

  /** Rows of x [n, d] (float32) into panels, made unit length (or as they are); returns their pointer. */
  panels(x: Float32Array, d: number, unit: boolean): number {
    const n = x.length / d
    const src = this.put(x)
    const out = this.alloc(panelBytes(n, d))
    this.k.packRows(src, 0, n, d, -1, unit ? 1 : 0, out, paddedRowBytes(d))
    return out
  }
}

/** C [na, nb] = dots of the rows in panels at pa and pb (pb = pa and sym: the symmetric self product). */
function gram(s: Scratch, pa: number, na: number, pb: number, nb: number, d: number, sym: boolean): Float32Array {
  const pc = s.alloc(na * nb * 4)
  s.k.gram(pa, na, pb, nb, paddedRowBytes(d), pc, sym ? 1 : 0)
  return s.f32(pc, na * nb).slice()
}

/** Cosine similarities S [ra, rb] of the rows of a [ra, d] with those of b [rb, d]; without b, of a with itself (symmetric). */
export function cosineMatrix(a: Float32Array, d: number, b?: Float32Array): Float32Array {
  return withScratch((s) => {
    const pa = s.panels(a, d, true)
    if (!b) return gram(s, pa, a.length / d, pa, a.length / d, d, true)
    return gram(s, pa, a.length / d, s.panels(b, d, true), b.length / d, d, false)
  })
}

/** Dot products [ra, rb] of the rows of a [ra, d] with those of b [rb, d] as given; without b, of a with itself. */
export function dotMatrix(a: Float32Array, d: number, b?: Float32Array): Float32Array {
  return withScratch((s) => {
    const pa = s.panels(a, d, false)
    if (!b) return gram(s, pa, a.length / d, pa, a.length / d, d, true)
    return gram(s, pa, a.length / d, s.panels(b, d, false), b.length / d, d, false)
  })
}

/**
 * For every row of a [ra, d], the row of b [rb, d] it is most cosine-similar to (the first on
 * ties) and that similarity: index [ra], value [ra]. rb ≥ 1.
 */
export function bestMatches(a: Float32Array, b: Float32Array, d: number): { index: Int32Array; value: Float32Array } {
  return withScratch((s) => {
    const ra = a.length / d
    const rb = b.length / d
    const pa = s.panels(a, d, true)
    const pb = s.panels(b, d, true)
    const pc = s.alloc(ra * rb * 4)
    s.k.gram(pa, ra, pb, rb, paddedRowBytes(d), pc, 0)
    const pmax = s.alloc(ra * 4)
    const pidx = s.alloc(ra * 4)
    s.k.rowMax(pc, ra, rb, pmax, pidx)
    return { index: s.i32(pidx, ra).slice(), value: s.f32(pmax, ra).slice() }
  })
}

/**
 * DivPrune's greedy max–min order of the rows of x [n, d] (the official DivPrune selection run to
 * the end): distance 1 − cosine (float32 cosines; the kernel compares the cosines themselves,
 * which orders and ties exactly as float64 distances would); the first pick is the row whose
 * nearest other row is farthest (its row's second-smallest distance, the smallest being its own);
 * each next pick the row whose minimum distance to the chosen ones is largest, the first on ties,
 * never a chosen one. → [n] row indices in pick order; the keep set for k is the first k.
 */
export function maxMinOrder(x: Float32Array, d: number): Int32Array {
  return withScratch((s) => {
    const n = x.length / d
    const pa = s.panels(x, d, true)
    const ps = s.alloc(n * n * 4)
    s.k.gram(pa, n, pa, n, paddedRowBytes(d), ps, 1)
    const pout = s.alloc(n * 4)
    s.k.maxMinOrder(ps, n, pout, s.alloc(n * 4))
    return s.i32(pout, n).slice()
  })
}

/** Same-position cosines: out[i] = cos(a_i, b_i) for a, b [n, d] → [n]. */
export function rowwiseCosines(a: Float32Array, b: Float32Array, d: number): Float32Array {
  return withScratch((s) => {
    const n = a.length / d
    const pa = s.panels(a, d, true)
    const pb = s.panels(b, d, true)
    const pout = s.alloc(n * 4)
    s.k.rowDots(pa, pb, n, paddedRowBytes(d), pout)
    return s.f32(pout, n).slice()
  })
}

/** Runs `f` with a fresh Scratch and releases it after. */
export function withScratch<R>(f: (s: Scratch) => R): R {
  const s = new Scratch()
  try {
    return f(s)
  } finally {
    s.release()
  }
}
