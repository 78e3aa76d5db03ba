import { describe, expect, it } from 'vitest'
import { findElectronBinary, hasDesktop, startApp } from './start'

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
    if ('path' in found) expect(found.path).toMatch(/electron/i)
    else expect(found.reason).toMatch(/electron/i)
  })

  it('rejects a bad --port before starting anything', async () => {
    await expect(startApp(['serve', '--port', 'abc'])).rejects.toThrow(/--port/)
    await expect(startApp(['serve', '--port', '70000'])).rejects.toThrow(/--port/)
  })
})
