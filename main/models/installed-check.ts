/**
 * Is an installed (pulled) model still what was downloaded? Each file's size and SHA-256 against
 * the pull record in its manifest (the vision file against the digest taken after its graph edit).
 * Hashes every file, so it runs when the user asks for the model again (`models pull`), not on
 * every load.
 */
import { join } from 'node:path'
import type { ModelEntry } from '../encoder/manifest'
import { hashFile } from './hub'

/** One line per damaged or missing file; empty when the install is whole. */
export async function damagedFiles(entry: ModelEntry): Promise<string[]> {
  const record = entry.pulled
  if (!record) return []
  const problems: string[] = []
  for (const f of record.files) {
    const edited = record.edit?.file === f.path
    const got = await hashFile(join(entry.dir, f.path)).catch(() => null)
    if (!got || got.bytes === 0) problems.push(`${f.path} is missing`)
    else if (got.sha256 !== (edited ? record.edit!.sha256 : f.sha256)) problems.push(`${f.path} is damaged (its SHA-256 no longer matches the download)`)
  }
  return problems
}
