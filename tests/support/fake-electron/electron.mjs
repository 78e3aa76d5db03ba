/**
 * TEST STAND-IN for the `electron` module (the binary cannot be downloaded here): records what the
 * built main process asks of Electron — windows and their webPreferences, what they load, IPC
 * handlers, protocol handlers, permission handlers, web-contents listeners — on globalThis.electronCalls,
 * so a test can drive and inspect it.
 */
import { EventEmitter } from 'node:events'

const calls = {
  sandboxEnabled: false,
  privilegedSchemes: [],
  protocolHandlers: {},
  windows: [],
  ipcHandlers: {},
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  fetched: [],
}
globalThis.electronCalls = calls

class App extends EventEmitter {
  enableSandbox() {
    calls.sandboxEnabled = true
  }
  whenReady() {
    return Promise.resolve()
  }
  quit() {}
}
export const app = new App()

export class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return calls.windows.map((w) => w.win)
  }
  static getFocusedWindow() {
    return null
  }
  constructor(options) {
    super()
    this.webContents = { send() {} }
    calls.windows.push({ options, loaded: [], win: this })
  }
  loadURL(url) {
    calls.windows.find((w) => w.win === this).loaded.push(url)
    return Promise.resolve()
  }
  loadFile(file) {
    calls.windows.find((w) => w.win === this).loaded.push(`loadFile:${file}`)
    return Promise.resolve()
  }
  isDestroyed() {
    return false
  }
  show() {}
}

export const ipcMain = {
  handle(channel, handler) {
    calls.ipcHandlers[channel] = handler
  },
}

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    calls.privilegedSchemes.push(...schemes)
  },
  handle(scheme, handler) {
    calls.protocolHandlers[scheme] = handler
  },
}

export const net = {
  fetch(url) {
    calls.fetched.push(url)
    return Promise.resolve(new Response('file body'))
  },
}

export const session = {
  defaultSession: {
    setPermissionRequestHandler(h) {
      calls.permissionRequestHandler = h
    },
    setPermissionCheckHandler(h) {
      calls.permissionCheckHandler = h
    },
  },
}

export const dialog = {
  showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
}

export default { app, BrowserWindow, ipcMain, protocol, net, session, dialog }
