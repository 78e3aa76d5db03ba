import { describe, expect, it } from 'vitest'
import { pathToFileURL } from 'node:url'
import { isOurRenderer } from './sender'

describe('isOurRenderer', () => {
  const dir = '/opt/tokenscope/out/renderer'
  it('accepts pages of the built renderer and the dev server only', () => {
    expect(isOurRenderer(pathToFileURL(`${dir}/index.html`).href, dir)).toBe(true)
    expect(isOurRenderer(`${pathToFileURL(`${dir}/index.html`).href}#/compare`, dir)).toBe(true)
    expect(isOurRenderer('http://localhost:5173/', dir, 'http://localhost:5173')).toBe(true)
    expect(isOurRenderer('app://tokenscope/index.html', dir)).toBe(true)
    expect(isOurRenderer('app://tokenscope/index.html#/compare', dir)).toBe(true)
  })
  it('refuses everything else', () => {
    expect(isOurRenderer(undefined, dir)).toBe(false)
    expect(isOurRenderer('', dir)).toBe(false)
    expect(isOurRenderer('about:blank', dir)).toBe(false)
    expect(isOurRenderer('https://example.com/', dir)).toBe(false)
    expect(isOurRenderer('file:///etc/passwd', dir)).toBe(false)
    expect(isOurRenderer(pathToFileURL(`${dir}-evil/index.html`).href, dir)).toBe(false)
    expect(isOurRenderer(`file://${dir}/../../secret.html`, dir)).toBe(false)
    expect(isOurRenderer('http://localhost:5174/', dir, 'http://localhost:5173')).toBe(false)
    expect(isOurRenderer('http://localhost:5173/', dir)).toBe(false)
    expect(isOurRenderer('app://evil/index.html', dir)).toBe(false)
    expect(isOurRenderer('app://tokenscope.evil/index.html', dir)).toBe(false)
    expect(isOurRenderer('evil://tokenscope/index.html', dir)).toBe(false)
  })
})
