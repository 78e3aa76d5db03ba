import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from './atomic-write'

describe('writeFileAtomic', () => {
  it('writes text and bytes, replaces an existing file, leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-atomic-'))
    const path = join(dir, 'sub', 'table.csv')
    await writeFileAtomic(path, 'a,b\n1,2\n')
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n')
    await writeFileAtomic(path, Uint8Array.from([1, 2, 3]))
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3])
    expect(readdirSync(join(dir, 'sub'))).toEqual(['table.csv'])
  })

  it('keeps the old file when the new one cannot be put in its place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-atomic-'))
    const path = join(dir, 'old.json')
    writeFileSync(path, 'old')
    // A folder where the file should go: the rename fails, nothing else is touched.
    await expect(writeFileAtomic(join(dir), 'new')).rejects.toThrow()
    expect(readFileSync(path, 'utf8')).toBe('old')
    expect(readdirSync(dir)).toEqual(['old.json'])
  })
})
