import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appUrlToFile } from './app-protocol'

describe('appUrlToFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ts-app-protocol-'))
  const renderer = join(dir, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html>')
  writeFileSync(join(renderer, 'assets', 'app.js'), '')
  writeFileSync(join(dir, 'secret.txt'), 'SECRET')
  symlinkSync(join(dir, 'secret.txt'), join(renderer, 'link.txt'))

  it('maps app://tokenscope/ paths to files of the renderer', () => {
    expect(appUrlToFile('app://tokenscope/index.html', renderer)).toBe(join(renderer, 'index.html'))
    expect(appUrlToFile('app://tokenscope/', renderer)).toBe(join(renderer, 'index.html'))
    expect(appUrlToFile('app://tokenscope/assets/app.js?v=1#x', renderer)).toBe(join(renderer, 'assets', 'app.js'))
  })

  it('refuses traversal, symlinks out, other hosts and schemes, folders and missing files', () => {
    for (const url of [
      'app://tokenscope/../secret.txt',
      'app://tokenscope/%2e%2e/secret.txt',
      'app://tokenscope/..%2fsecret.txt',
      'app://tokenscope/..%5csecret.txt',
      'app://tokenscope/link.txt',
      'app://tokenscope/index.html%00.js',
      'app://other/index.html',
      'file:///etc/passwd',
      'app://tokenscope/assets',
      'app://tokenscope/missing.js',
      'app://tokenscope/%E0%A4%A',
      'not a url',
    ]) {
      expect(appUrlToFile(url, renderer), url).toBeNull()
    }
  })
})
