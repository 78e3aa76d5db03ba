/** `app:info`: what this install runs with (version, shell, ffmpeg, execution providers, folders). */
import type { AppInfo } from '../../common/ipc/contract'
import { EXECUTION_PROVIDERS, type ExecutionProvider } from '../../common/providers'
import { resolveBinaries } from '../video/binaries'
import { appVersion } from './paths'

export async function appInfo(where: Pick<AppInfo, 'shell' | 'cacheDir' | 'modelsDirs'>): Promise<AppInfo> {
  const binaries = await resolveBinaries().catch(() => undefined)
  return {
    version: appVersion(),
    shell: where.shell,
    ffmpeg: binaries?.ffmpeg,
    ffprobe: binaries?.ffprobe,
    providers: await availableProviders(),
    cacheDir: where.cacheDir,
    modelsDirs: where.modelsDirs,
  }
}

/** Execution providers onnxruntime offers here, in the order 'auto' tries them (loaded lazily: it is a native module). */
async function availableProviders(): Promise<ExecutionProvider[]> {
  try {
    const ort = (await import('onnxruntime-node')) as { listSupportedBackends?: () => { name: string }[] }
    const names = (ort.listSupportedBackends?.() ?? [{ name: 'cpu' }]).map((b) => b.name)
    return EXECUTION_PROVIDERS.filter((p) => names.includes(p))
  } catch {
    return []
  }
}
