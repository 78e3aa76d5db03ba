/**
 * `export:save`: an export (PNG, SVG, CSV made in the UI) written where the user chose in the
 * save dialog, atomically. Without a dialog (browser mode) it answers null and the page
 * downloads the file itself.
 */
import { basename } from 'node:path'
import { writeFileDurable } from '../projects/durable-write'
import { AppError } from './errors'

export async function saveExport(choosePath: ((name: string) => Promise<string | null>) | undefined, name: string, bytes: Uint8Array): Promise<string | null> {
  if (basename(name) !== name || name.startsWith('.')) throw new AppError('bad-request', `An export is named by a plain file name, got '${name}'`)
  if (!choosePath) return null
  const path = await choosePath(name)
  if (!path) return null
  await writeFileDurable(path, bytes)
  return path
}
