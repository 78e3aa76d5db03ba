/**
 * Peak resident memory of a method run on 10 minutes and on 3 hours of tokens (600 and 10,800
 * frames of 196 × 768 at 1 fps), each in a fresh process (memory-probe.ts), streamed from a token
 * cache on disk: the 3-hour peak must stay within 1.2× the 10-minute one. Beside it, the cache's
 * size on disk. Per-frame runs (spatial methods, frame selection, compositions) are measured:
 * their workers read a few chunks at a time and the run keeps only the token map.
 */
import { execFileSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { workerLocation } from '../workers/spawn'
import { writeSyntheticCache } from './synthetic'

export interface MemoryRow {
  method: string
  frames: number
  peakRssMB: number
  seconds: number
  cacheMB: number
  /** peakRssMB / the same method's 10-minute peak. */
  ratio: number
  target: string
}

export const MEMORY_FRAMES = [600, 10_800] as const
export const MEMORY_METHODS = ['tome', 'scene-segments+vtc-cls'] as const

export function benchMemory(dir: string, log: (s: string) => void): MemoryRow[] {
  const { url, fromSource } = workerLocation('bench/memory-probe')
  const rows: MemoryRow[] = []
  for (const method of MEMORY_METHODS) {
    let base = 0
    for (const frames of MEMORY_FRAMES) {
      const cacheDir = join(dir, `synthetic-${frames}`)
      log(`memory: ${method} on ${frames} frames (token cache ${cacheDir}) …`)
      writeSyntheticCache(cacheDir, frames)
      const args = [...(fromSource ? ['--import', 'tsx'] : []), fileURLToPath(url), cacheDir, String(frames), method, '0.1']
      const r = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').at(-1)!) as { peakRssBytes: number; seconds: number }
      const peakRssMB = r.peakRssBytes / 2 ** 20
      base ||= peakRssMB
      rows.push({ method, frames, peakRssMB, seconds: r.seconds, cacheMB: statSync(join(cacheDir, 'tokens.bin')).size / 2 ** 20, ratio: peakRssMB / base, target: frames === MEMORY_FRAMES[0] ? '' : '≤ 1.2' })
    }
  }
  return rows
}
