/**
 * Saves an export (PNG, SVG, CSV): in the desktop app through `export:save` (a save dialog, an
 * atomic write); in browser mode, where the host has no dialog, as a download from the page.
 */
import { useApi } from '../api/use-api'

export function useSaveFile() {
  const api = useApi()
  /** Resolves to where it went: the path written, 'download', or null when the user cancelled the dialog. */
  return async function saveFile(name: string, data: Uint8Array | string, mimeType: string): Promise<string | null> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
    const { shell } = await api.invoke('app:info', undefined)
    if (shell === 'electron') return api.invoke('export:save', { name, bytes })
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }))
    try {
      const a = document.createElement('a')
      a.href = url
      a.download = name
      a.click()
    } finally {
      // After the click has started the download.
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    }
    return 'download'
  }
}
