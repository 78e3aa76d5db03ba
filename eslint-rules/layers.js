// The VS Code rule: a top-level folder says where its code runs, and so what it may import.
//   common/   runs everywhere: only common/ and no platform modules (node:*, electron, DOM libs)
//   main/     Node + Electron main: common/ and main/
//   preload/  Electron preload: common/ and preload/ (types from common), electron
//   renderer/ browser: common/ and renderer/; never main/, preload/, node:* or electron
import { dirname, relative, resolve, sep } from 'node:path'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')

const layers = {
  common: { folders: ['common'], platform: false },
  main: { folders: ['common', 'main'], platform: true },
  preload: { folders: ['common', 'preload'], platform: true },
  renderer: { folders: ['common', 'renderer'], platform: false },
}

const layerOf = (file) => relative(root, file).split(sep)[0]

const isPlatformModule = (spec) =>
  spec.startsWith('node:') || spec === 'electron' || /^(fs|path|os|child_process|worker_threads|crypto|stream|net|http|https|url|util|events|zlib|readline)(\/|$)/.test(spec)

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce which top-level folders each layer may import' },
    schema: [],
  },
  create(context) {
    const file = context.filename
    const layer = layers[layerOf(file)]
    if (!layer) return {}
    // Tests anywhere may use the shared test fixtures in tests/ (e.g. tests/fixtures/videos.ts).
    const allowed = /\.test\.ts$/.test(file) ? [...layer.folders, 'tests'] : layer.folders
    const check = (node, spec) => {
      if (typeof spec !== 'string') return
      if (spec.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), spec))
        if (!allowed.includes(target)) {
          context.report({ node, message: `${layerOf(file)}/ may not import from ${target}/ ('${spec}')` })
        }
      } else if (!layer.platform && isPlatformModule(spec)) {
        context.report({ node, message: `${layerOf(file)}/ must stay platform-free: '${spec}' is not allowed here` })
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    }
  },
}
