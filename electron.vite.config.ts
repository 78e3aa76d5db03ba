import { resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// electron-vite reads Electron's version from the installed package. Where the optional
// `electron` dependency could not be installed (no binary download, e.g. offline CI), tell it
// the pinned major so the build is identical.
const pinnedElectron = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8'))
  .optionalDependencies.electron as string
process.env.ELECTRON_MAJOR_VER ??= pinnedElectron.split('.')[0]

/**
 * The Content-Security-Policy of every renderer page (the app and the bench), as the first tag of
 * its head: Electron loads the pages from file://, where no server sends one (the browser-mode
 * host adds its own header, main/host/server.ts).
 */
const RENDERER_CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; script-src 'self'"
const contentSecurityPolicy = (): Plugin => ({
  name: 'tokenscope-csp',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP }, injectTo: 'head-prepend' }],
})

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The benchmark drives Chromium through playwright-core (a dev dependency), loaded at run time.
        external: [/^playwright/, /^@playwright\//],
        input: {
          index: resolve(__dirname, 'main/electron/index.ts'),
          cli: resolve(__dirname, 'main/cli/index.ts'),
          'encode-worker': resolve(__dirname, 'main/encoder/encode-worker.ts'),
          'methods-worker': resolve(__dirname, 'main/compute/methods-worker.ts'),
          'memory-probe': resolve(__dirname, 'main/bench/memory-probe.ts'),
          'pull-worker': resolve(__dirname, 'main/models/pull-worker.ts'),
          'text-worker': resolve(__dirname, 'main/text/text-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [vue(), contentSecurityPolicy()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'renderer/index.html'),
          bench: resolve(__dirname, 'renderer/bench.html'),
        },
      },
    },
  },
})
