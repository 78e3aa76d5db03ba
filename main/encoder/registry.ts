/**
 * The model registry: every `<dir>/<id>/manifest.json` under the model folders.
 *
 * Folders, in order (the first manifest with a given id wins; later duplicates are reported):
 *   1. the app's bundled `native-models/` (the built-in encoder ships there),
 *   2. the user's model folder, settings.ts `userModelsDir()`: env TOKENSCOPE_MODELS_DIR (several
 *      folders allowed, path-delimiter separated: ':' or ';' on Windows), else `<data dir>/models`
 *      (~/.local/share/tokenscope/models on Linux).
 */
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { userModelsDir } from '../settings'
import { type ModelEntry, ModelError, parseManifest } from './manifest'

export interface ModelProblem {
  /** The manifest (or folder) that could not be used. */
  path: string
  error: ModelError
}

/**
 * The bundled native-models/ folder: the nearest ancestor of this module that has one. From source
 * that is the repo root; from the build (out/main/*.js or a chunk below it) the package root.
 */
export function bundledModelsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'native-models'))) return join(dir, 'native-models')
    dir = dirname(dir)
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native-models')
}

/** The user's model folders: userModelsDir() split at the path delimiter, as absolute paths. */
export function userModelsDirs(): string[] {
  return userModelsDir().split(delimiter).filter(Boolean).map((d) => resolve(d))
}

export const defaultModelDirs = (): string[] => [bundledModelsDir(), ...userModelsDirs()]

/** Reads and validates one manifest folder; the entry's files are checked to exist. */
export async function readModelDir(dir: string, origin: ModelEntry['origin']): Promise<ModelEntry> {
  const path = join(dir, 'manifest.json')
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (e) {
    throw new ModelError('bad-manifest', `${path}: ${(e as Error).message}`)
  }
  const manifest = parseManifest(raw, path)
  const files = [manifest.files.vision, manifest.files.text, manifest.files.tokenizer, manifest.files.tokenizerConfig]
  for (const f of files) {
    if (f && !existsSync(join(dir, f))) throw new ModelError('missing-file', `${manifest.id}: model file not found: ${join(dir, f)}`)
  }
  return { ...manifest, dir, origin }
}

/** All models in `dirs` (default: defaultModelDirs()), plus the manifests that could not be used and why. */
export async function scanModels(dirs?: string[]): Promise<{ models: ModelEntry[]; problems: ModelProblem[] }> {
  const roots = dirs ?? defaultModelDirs()
  const bundled = bundledModelsDir()
  const models: ModelEntry[] = []
  const problems: ModelProblem[] = []
  for (const root of roots) {
    let names: string[]
    try {
      names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    } catch {
      continue // a model folder that does not exist yet is not a problem
    }
    for (const name of names) {
      const dir = join(root, name)
      if (!existsSync(join(dir, 'manifest.json'))) continue
      try {
        const entry = await readModelDir(dir, resolve(root) === bundled ? 'bundled' : 'user')
        const first = models.find((m) => m.id === entry.id)
        if (first) throw new ModelError('bad-manifest', `${dir}: id '${entry.id}' is already used by ${first.dir}`)
        models.push(entry)
      } catch (e) {
        if (!(e instanceof ModelError)) throw e
        problems.push({ path: join(dir, 'manifest.json'), error: e })
      }
    }
  }
  return { models, problems }
}

export async function listModels(dirs?: string[]): Promise<ModelEntry[]> {
  return (await scanModels(dirs)).models
}

/** The model `id`; ModelError('unknown-model') (or the reason its manifest is unusable) otherwise. */
export async function getModel(id: string, dirs?: string[]): Promise<ModelEntry> {
  const { models, problems } = await scanModels(dirs)
  const found = models.find((m) => m.id === id)
  if (found) return found
  const broken = problems.find((p) => p.path.split(/[\\/]/).at(-2) === id)
  if (broken) throw broken.error
  throw new ModelError('unknown-model', `no model '${id}' (have: ${models.map((m) => m.id).join(', ') || 'none'})`)
}
