/**
 * Loads the built main process (out/main/index.js) on the Electron stand-in and prints, as JSON,
 * what a security review asks of it: the window's webPreferences and URL, what the app:// handler
 * serves, what navigation, new windows, webviews and permissions get, and how IPC answers a page
 * that is not ours. Run as `node --import ./register.mjs probe-main.mjs <repo root>`.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = process.argv[2]
process.env.TOKENSCOPE_DATA_DIR ??= join(root, '.probe-data')
await import(pathToFileURL(join(root, 'out', 'main', 'index.js')).href)
await new Promise((r) => setTimeout(r, 200)) // whenReady().then(...)
const calls = globalThis.electronCalls
const { app } = await import('electron')

// A page's web contents: what the app does with navigation, new windows and webviews.
const listeners = {}
let openHandler
app.emit('web-contents-created', {}, {
  on: (event, l) => (listeners[event] = l),
  setWindowOpenHandler: (h) => (openHandler = h),
})
const refused = (event) => {
  let prevented = false
  listeners[event]?.({ preventDefault: () => (prevented = true) }, 'https://example.com/')
  return prevented
}

const serve = async (url) => {
  const before = calls.fetched.length
  const res = await calls.protocolHandlers.app({ url })
  return { status: res.status, fetched: calls.fetched.slice(before) }
}

const permission = await new Promise((r) => calls.permissionRequestHandler({}, 'media', r))
const ipc = async (url) => calls.ipcHandlers['app:info']({ senderFrame: url === undefined ? null : { url } }, undefined)

console.log(
  JSON.stringify({
    sandboxEnabled: calls.sandboxEnabled,
    windows: calls.windows.map((w) => ({ webPreferences: w.options.webPreferences, loaded: w.loaded })),
    privilegedSchemes: calls.privilegedSchemes,
    served: {
      index: await serve('app://tokenscope/index.html'),
      root: await serve('app://tokenscope/'),
      traversal: await serve('app://tokenscope/../../../../etc/passwd'),
      encodedTraversal: await serve('app://tokenscope/%2e%2e/%2e%2e/%2e%2e/etc/passwd'),
      otherHost: await serve('app://elsewhere/index.html'),
    },
    navigationRefused: refused('will-navigate'),
    redirectRefused: refused('will-redirect'),
    webviewRefused: refused('will-attach-webview'),
    newWindow: openHandler?.({ url: 'https://example.com/' }),
    permission,
    permissionCheck: calls.permissionCheckHandler?.(),
    ipc: {
      ours: await ipc('app://tokenscope/index.html'),
      remote: await ipc('https://example.com/'),
      file: await ipc('file:///etc/passwd'),
      none: await ipc(undefined),
    },
    ipcChannels: Object.keys(calls.ipcHandlers).length,
  }),
)
process.exit(0)
