import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findElectronBinary, hasDesktop } from './start'

const dir = mkdtempSync(join(tmpdir(), 'tokenscope-start-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** An `electron` package folder: with path.txt naming `binary` when given, and that file under dist/ when `installed`. */
function electronPackage(name: string, binary?: string, installed = false): string {
  const pkg = join(dir, name)
  mkdirSync(join(pkg, 'dist'), { recursive: true })
  if (binary) writeFileSync(join(pkg, 'path.txt'), `${binary}\n`)
  if (binary && installed) writeFileSync(join(pkg, 'dist', binary), '')
  return pkg
}

describe('start-up choices', () => {
  it('knows when there is a desktop to open a window or a browser in', () => {
    expect(hasDesktop({}, 'linux')).toBe(false)
    expect(hasDesktop({ DISPLAY: ':0' }, 'linux')).toBe(true)
    expect(hasDesktop({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true)
    expect(hasDesktop({}, 'darwin')).toBe(true)
    expect(hasDesktop({}, 'win32')).toBe(true)
  })

  it('finds Electron or says why not', () => {
    const found = findElectronBinary()
    if ('path' in found) {
      expect(found.path).toMatch(/electron/i)
      expect(existsSync(found.path)).toBe(true)
    } else expect(found.reason).toMatch(/electron/i)
  })

  it('finds the downloaded binary, honouring ELECTRON_OVERRIDE_DIST_PATH', () => {
    const pkg = electronPackage('installed', 'electron', true)
    expect(findElectronBinary({}, pkg)).toEqual({ path: join(pkg, 'dist', 'electron') })
    const override = join(dir, 'override')
    mkdirSync(override)
    writeFileSync(join(override, 'electron'), '')
    expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: override }, pkg)).toEqual({ path: join(override, 'electron') })
  })

  it('says which step is missing when the binary is not there', () => {
    expect(findElectronBinary({}, undefined)).toEqual({ reason: "the optional 'electron' package is not installed" })
    expect(findElectronBinary({}, electronPackage('no-download'))).toMatchObject({ reason: expect.stringMatching(/no downloaded binary \(no path\.txt\)/) })
    const gone = electronPackage('deleted', 'electron')
    expect(findElectronBinary({}, gone)).toEqual({ reason: `Electron's binary is missing at ${join(gone, 'dist', 'electron')}` })
  })
})
