/**
 * Ranking kernels: indices ordered by value. Equal values keep the lower index first, so every
 * result is deterministic (torch.topk and torch.sort leave the order of ties unspecified; the
 * methods that rank say so in their doc comments).
 */

/** Indices of the k largest values, largest first; equal values keep the lower index first. values [N] → [min(k, N)]. */
export function topK(values: ArrayLike<number>, k: number): Int32Array {
  return firstK(values, k, (a, b) => values[b] - values[a] || a - b)
}

/** Indices of the k smallest values, smallest first; equal values keep the lower index first. values [N] → [min(k, N)]. */
export function bottomK(values: ArrayLike<number>, k: number): Int32Array {
  return firstK(values, k, (a, b) => values[a] - values[b] || a - b)
}

function firstK(values: ArrayLike<number>, k: number, order: (a: number, b: number) => number): Int32Array {
  const ranked = Int32Array.from({ length: values.length }, (_, i) => i).sort(order)
  return ranked.slice(0, Math.max(0, Math.min(k, values.length)))
}

/**
 * Each row of values [rows, cols] (float32) in order, largest first, equal values (−0 equals +0)
 * lower index first: the order topK gives, in O(cols) per row by a stable least-significant-digit
 * radix sort on the values' bits made order-preserving (four passes of eight bits), for hot loops
 * that rank many rows (VisionZip ranks every row of a similarity matrix). `each(row, order)` gets
 * the column indices [cols] in a buffer reused for the next row. A NaN with a clear sign bit sorts
 * above +∞, one with it set below −∞.
 */
export function descendingOrders(values: Float32Array, rows: number, cols: number, each: (row: number, order: Int32Array) => void): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, rows * cols)
  let keys = new Uint32Array(cols)
  let order = new Int32Array(cols)
  let nextKeys = new Uint32Array(cols)
  let nextOrder = new Int32Array(cols)
  const count = new Int32Array(256)
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      let b = bits[r * cols + j]
      if (b === 0x80000000) b = 0 // −0 ranks as +0
      // ascending keys for descending values: a negative value's bits as they are (above every
      // positive key, larger for more negative), a positive value's bits flipped below the sign bit
      keys[j] = b & 0x80000000 ? b : ~b & 0x7fffffff
      order[j] = j
    }
    for (let shift = 0; shift < 32; shift += 8) {
      count.fill(0)
      for (let j = 0; j < cols; j++) count[(keys[j] >>> shift) & 255]++
      for (let digit = 0, at = 0; digit < 256; digit++) {
        const c = count[digit]
        count[digit] = at
        at += c
      }
      for (let j = 0; j < cols; j++) {
        const at = count[(keys[j] >>> shift) & 255]++
        nextKeys[at] = keys[j]
        nextOrder[at] = order[j]
      }
      ;[keys, nextKeys, order, nextOrder] = [nextKeys, keys, nextOrder, order]
    }
    each(r, order)
  }
}
