/**
 * Electron's security checklist, asserted on the built main process (out/main/index.js; `npm run
 * build` first) loaded on a recording stand-in for `electron` (tests/support/fake-electron), since
 * Electron's binary cannot be downloaded everywhere (e2e/electron.spec.ts checks the same on the
 * real binary where it exists). And the built renderer: a strict CSP, nothing loaded from elsewhere.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const root = resolve(__dirname, '..')
const fake = join(root, 'tests', 'support', 'fake-electron')
let probe: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(() => {
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) throw new Error("the app is not built: run 'npm run build' first")
  const r = spawnSync(process.execPath, ['--import', join(fake, 'register.mjs'), join(fake, 'probe-main.mjs'), root], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, TOKENSCOPE_DATA_DIR: mkdtempSync(join(tmpdir(), 'ts-electron-probe-')) },
  })
  expect(r.status, r.stderr).toBe(0)
  probe = JSON.parse(r.stdout.trim().split('\n').at(-1)!)
})

describe('the built Electron main process', () => {
  it('creates a sandboxed, context-isolated window without Node', () => {
    expect(probe.sandboxEnabled).toBe(true)
    expect(probe.windows).toHaveLength(1)
    expect(probe.windows[0].webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false })
  })

  it('loads the renderer from its own app:// scheme, not file://', () => {
    expect(probe.windows[0].loaded).toEqual(['app://tokenscope/index.html'])
    expect(probe.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
    expect(probe.served.index).toEqual({ status: 200, fetched: [expect.stringMatching(/\/out\/renderer\/index\.html$/)] })
    expect(probe.served.root.status).toBe(200)
    for (const escape of ['traversal', 'encodedTraversal', 'otherHost']) expect(probe.served[escape], escape).toEqual({ status: 404, fetched: [] })
  })

  it('refuses navigation, redirects, webviews, new windows and permission requests', () => {
    expect(probe).toMatchObject({ navigationRefused: true, redirectRefused: true, webviewRefused: true, newWindow: { action: 'deny' }, permission: false, permissionCheck: false })
  })

  it('answers IPC from its own page only', () => {
    expect(probe.ipcChannels).toBeGreaterThan(10)
    expect(probe.ipc.ours.ok).toBe(true)
    for (const other of ['remote', 'file', 'none']) expect(probe.ipc[other], other).toEqual({ ok: false, error: { code: 'forbidden', message: 'This page may not call TokenScope' } })
  })
})

describe('the built renderer', () => {
  const dir = join(root, 'out', 'renderer')
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]))

  it('has a CSP allowing its own code only', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8').replaceAll('&#39;', "'")
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1]
    expect(csp).toBeDefined()
    const directives = Object.fromEntries(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]))
    expect(directives['default-src']).toEqual(["'self'"])
    expect(directives['script-src']).toEqual(["'self'"])
    expect(csp).not.toMatch(/https?:\/\/|unsafe-eval|\*\.[a-z]/)
  })

  it('loads nothing from elsewhere: no remote script, style, font or image URL in any page', () => {
    for (const f of files(dir).filter((p) => /\.(html|css)$/.test(p))) {
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/(src|href)=["']?(https?:)?\/\/|url\(["']?(https?:)?\/\/|@import\s+["']?(https?:)?\/\//)
    }
  })
})
