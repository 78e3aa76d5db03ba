/** Layout of the small spatial-bias histograms (pure): bars for a distribution over patch rows or columns. */

export interface Bar {
  x: number
  y: number
  w: number
  h: number
}

/**
 * Bars for `share` (one value per patch row or column) in a box of `width` × `height`:
 * 'rows' stacks horizontal bars top to bottom (row 0 at the top, length ∝ share), 'cols' puts
 * vertical bars left to right (column 0 at the left, rising from the bottom). The value axis runs
 * to max(largest share, 1/n), so `even`, the coordinate of the even-spread reference 1/n along the
 * value axis (x for rows, y for columns), always lies inside the box.
 */
export function shareBars(share: ArrayLike<number>, axis: 'rows' | 'cols', width: number, height: number): { bars: Bar[]; even: number } {
  const n = share.length
  const top = Math.max(1 / n, ...Array.from(share))
  const bars: Bar[] = []
  if (axis === 'rows') {
    const step = height / n
    for (let i = 0; i < n; i++) bars.push({ x: 0, y: i * step, w: (share[i] / top) * width, h: Math.max(1, step - 1) })
    return { bars, even: (1 / n / top) * width }
  }
  const step = width / n
  for (let i = 0; i < n; i++) {
    const h = (share[i] / top) * height
    bars.push({ x: i * step, y: height - h, w: Math.max(1, step - 1), h })
  }
  return { bars, even: height - (1 / n / top) * height }
}
