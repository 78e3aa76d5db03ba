/**
 * The Electron main process: one window on the built renderer, the services behind ipcMain.
 *
 * Electron's security checklist: sandboxed renderer with context isolation and no Node; a CSP
 * (meta tag in renderer/index.html); the renderer served from the app:// scheme (app-protocol.ts); navigation, new windows, webviews and permission requests
 * refused; every IPC call checked for its sender (our renderer only) and validated (dispatch).
 */
// The `electron` package (an optional dependency) is absent where its binary cannot be
// downloaded; the build still works (electron-vite keeps it external). Without it its types are
// missing, so tolerate that here, the one place besides preload/ that imports it.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- types come from the optional `electron` package when it is installed
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session } from 'electron'
import { extname, join } from 'node:path'
import { channels, eventChannels } from '../../common/ipc/schema'
import { VIDEO_EXTENSIONS } from '../../common/video'
import { dispatch } from '../app/dispatch'
import { createAppServices } from '../app/services'
import { appRoot } from '../app/paths'
import { isOurRenderer } from './sender'
import { APP_INDEX, appSchemePrivileges, serveAppScheme } from './app-protocol'

const root = appRoot()
const rendererDir = join(root, 'out', 'renderer')
/** Set by `electron-vite dev` to its dev server; absent in the built app. */
const devUrl = process.env.ELECTRON_RENDERER_URL

app.enableSandbox()
// Before the app is ready: the renderer is served from app://tokenscope/, never file://.
protocol.registerSchemesAsPrivileged([appSchemePrivileges])

const services = createAppServices({
  shell: 'electron',
  chooseVideo: async () => {
    const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
    const options = {
      title: 'Open a video',
      properties: ['openFile'] as 'openFile'[],
      filters: [
        { name: 'Videos', extensions: [...VIDEO_EXTENSIONS] },
        { name: 'All files', extensions: ['*'] },
      ],
    }
    const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
    return picked.canceled ? null : (picked.filePaths[0] ?? null)
  },
  chooseSavePath: async (name: string) => {
    const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
    const ext = extname(name).slice(1)
    const options = { title: 'Save the export', defaultPath: name, filters: ext ? [{ name: ext.toUpperCase(), extensions: [ext] }] : [] }
    const picked = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
    return picked.canceled || !picked.filePath ? null : picked.filePath
  },
})

for (const channel of channels) {
  ipcMain.handle(channel, (event: { senderFrame?: { url: string } | null }, payload: unknown) => {
    if (!isOurRenderer(event.senderFrame?.url, rendererDir, devUrl)) {
      return { ok: false, error: { code: 'forbidden', message: 'This page may not call TokenScope' } }
    }
    return dispatch(services, channel, payload)
  })
}

for (const event of eventChannels) {
  services.on(event, (payload) => {
    for (const win of BrowserWindow.getAllWindows() as { isDestroyed(): boolean; webContents: { send(c: string, p: unknown): void } }[]) if (!win.isDestroyed()) win.webContents.send(event, payload)
  })
}

app.on('web-contents-created', (_e: unknown, contents: WebContentsLike) => {
  for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) contents.on(event, (e) => e.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
})

/** The part of Electron's WebContents used here (typed locally: see the import above). */
interface WebContentsLike {
  on(event: string, listener: (e: { preventDefault(): void }) => void): void
  setWindowOpenHandler(handler: () => { action: 'deny' }): void
}

function createWindow() {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'TokenScope',
    show: false,
    backgroundColor: '#16181d',
    webPreferences: {
      preload: join(root, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadURL(APP_INDEX)
  return win
}

void app.whenReady().then(() => {
  serveAppScheme(protocol, net, rendererDir)
  session.defaultSession.setPermissionRequestHandler((_wc: unknown, _permission: string, callback: (granted: boolean) => void) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => app.quit())

let closing = false
app.on('before-quit', (e: { preventDefault(): void }) => {
  if (closing) return
  // Stop running analyses first, so the token cache ends on a whole chunk.
  closing = true
  e.preventDefault()
  void services.close().finally(() => app.quit())
})
