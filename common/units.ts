/** Byte counts for people, shared by the CLI and the UI. */

/** Bytes in decimal units: `512 B`, `2.22 MB`, `1.35 GB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes || 0))} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let v = bytes / 1000
  let u = 0
  while (v >= 1000 && u < units.length - 1) [v, u] = [v / 1000, u + 1]
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`
}
