import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { VideoError } from './errors'

/** Bytes read per sample. */
const SAMPLE_BYTES = 64 * 1024
/** Samples between head and tail, evenly spaced. */
const MIDDLE_SAMPLES = 8

/**
 * A content fingerprint that stays fast for hour-long files: sha256 over the file size and 10
 * samples of 64 KiB (head, tail and 8 evenly spaced in between), so about 640 KiB is read
 * whatever the size; files up to 640 KiB are hashed whole. Returns 32 hex characters.
 * Same bytes → same fingerprint; a renamed or moved file keeps it.
 */
export async function fingerprintVideo(path: string): Promise<string> {
  let file
  try {
    file = await open(path, 'r')
  } catch {
    throw new VideoError('missing', `Video file not found: ${path}. It may have been moved or deleted.`)
  }
  try {
    const { size } = await file.stat()
    const hash = createHash('sha256').update(`tokenscope-fingerprint-v1:${size}:`)
    const buffer = Buffer.allocUnsafe(SAMPLE_BYTES)
    for (const offset of sampleOffsets(size)) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(SAMPLE_BYTES, size - offset), offset)
      hash.update(buffer.subarray(0, bytesRead))
    }
    return hash.digest('hex').slice(0, 32)
  } finally {
    await file.close()
  }
}

/** Start offsets of the samples; contiguous (the whole file) when the file is small. */
export function sampleOffsets(size: number): number[] {
  const count = MIDDLE_SAMPLES + 2
  if (size <= count * SAMPLE_BYTES) {
    const offsets: number[] = []
    for (let at = 0; at < size; at += SAMPLE_BYTES) offsets.push(at)
    return offsets
  }
  const last = size - SAMPLE_BYTES
  return Array.from({ length: count }, (_, i) => Math.round((i * last) / (count - 1)))
}
