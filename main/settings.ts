import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where per-user files live: an explicit env setting first, then the platform's convention. */
function platformDir(kind: 'cache' | 'data'): string {
  const home = homedir()
  if (process.platform === 'darwin') return join(home, 'Library', kind === 'cache' ? 'Caches' : 'Application Support', 'TokenScope')
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'TokenScope', kind)
  const xdg = kind === 'cache' ? process.env.XDG_CACHE_HOME : process.env.XDG_DATA_HOME
  return join(xdg ?? join(home, kind === 'cache' ? '.cache' : join('.local', 'share')), 'tokenscope')
}

/** Token cache root: TOKENSCOPE_CACHE_DIR, else the user's cache folder. */
export const defaultCacheDir = (): string => process.env.TOKENSCOPE_CACHE_DIR ?? platformDir('cache')

/** User data (recent videos, annotations, user models): TOKENSCOPE_DATA_DIR, else the user's data folder. */
export const dataDir = (): string => process.env.TOKENSCOPE_DATA_DIR ?? platformDir('data')

export const recentVideosFile = (): string => join(dataDir(), 'recent-videos.json')

/** Folder users drop their own ONNX model exports into (each with a manifest.json). */
export const userModelsDir = (): string => process.env.TOKENSCOPE_MODELS_DIR ?? join(dataDir(), 'models')

/**
 * The model hub `tokenscope models pull` downloads from: TOKENSCOPE_HUB_URL, else HF_ENDPOINT (the
 * Hugging Face tools' mirror setting), else https://huggingface.co.
 */
export const hubUrl = (): string => process.env.TOKENSCOPE_HUB_URL ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co'

/** The user's settings file (JSON), for what has no command-line option; missing or unreadable: defaults. */
export const settingsFile = (): string => join(dataDir(), 'settings.json')

function setting(key: string): string | undefined {
  try {
    const value = (JSON.parse(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>)[key]
    return typeof value === 'string' && value ? value : undefined
  } catch {
    return undefined
  }
}

/** Annotation projects: TOKENSCOPE_PROJECTS_DIR, else `projectsDir` in settings.json, else <data dir>/projects. */
export const projectsDir = (): string => process.env.TOKENSCOPE_PROJECTS_DIR ?? setting('projectsDir') ?? join(dataDir(), 'projects')
