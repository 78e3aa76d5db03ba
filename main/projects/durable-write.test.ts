import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileDurable } from './durable-write'

describe('writeFileDurable', () => {
  it('writes text, bytes and pieces, replaces an existing file, leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-durable-'))
    const path = join(dir, 'table.csv')
    await writeFileDurable(path, 'a,b\n1,2\n')
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n')
    await writeFileDurable(path, Uint8Array.from([1, 2, 3]))
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3])
    await writeFileDurable(path, [Uint8Array.from([4]), Uint8Array.from([5, 6])])
    expect(Array.from(readFileSync(path))).toEqual([4, 5, 6])
    expect(readdirSync(dir)).toEqual(['table.csv'])
  })

  it('keeps the old file when the new one cannot be put in its place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-durable-'))
    writeFileSync(join(dir, 'old.json'), 'old')
    // A folder where the file should go: the rename fails, nothing else is touched.
    await expect(writeFileDurable(dir, 'new')).rejects.toThrow()
    expect(readFileSync(join(dir, 'old.json'), 'utf8')).toBe('old')
    expect(readdirSync(dir)).toEqual(['old.json'])
  })
})
