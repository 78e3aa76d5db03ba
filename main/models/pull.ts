/**
 * `tokenscope models pull <id>` (and the app's "get a real model"): downloads a catalog model's
 * files, verifies them, edits the vision graph, checks the result and installs it with a manifest.
 *
 * 1. resolving: the hub's metadata of every file (size, digest, the commit) before any download,
 *    so a wrong pin, a refusal or no network fail at once; a model without a pinned revision is
 *    pinned to the commit `main` resolves to now.
 * 2. downloading: into `<models>/<id>/.download/<path>.incomplete`, resuming what an earlier pull
 *    left (HTTP range, hub.ts).
 * 3. verifying: size, then SHA-256 against the catalog, else against the hub's own digest (see
 *    catalog.ts); a file that fails is deleted. A verified file is renamed to drop `.incomplete`.
 * 4. editing: the graph edit (onnx/graph-edit.ts) appended to the vision file, checked on a probe
 *    run (edit-check.ts); an output that fails the check is left out and the reason recorded.
 * 5. checking: the manifest (hub-manifest.ts) against the model on the encoder's own probe run, and
 *    the text tower with its tokenizer; then the files move into `<models>/<id>/` and manifest.json
 *    is written last (atomically), so a model folder is usable exactly when it has a manifest.
 */
import { mkdir, readFile, rename, rm, stat, truncate, appendFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { PullProgress } from '../../common/ipc/contract'
import { type ModelEntry, type PulledFile, type PullRecord, parseManifest } from '../encoder/manifest'
import { readModelDir } from '../encoder/registry'
import { createEncoder } from '../encoder/session'
import { EDIT_RECIPE, planVisionEdit, type VisionEditRequest } from '../onnx/graph-edit'
import { readOnnxGraph } from '../onnx/read'
import { hubUrl } from '../settings'
import { createTextEncoder } from '../text/text-encoder'
import { CATALOG, type CatalogFile, type CatalogModel, catalogModel } from './catalog'
import { checkEdit } from './edit-check'
import { download, hashFile, PullError, type RemoteFile, remoteFile, resolveUrl } from './hub'
import { editRequest, hubManifest, visionGeometry } from './hub-manifest'

export interface PullOptions {
  /** The folder models are installed into (default: the first user models folder). */
  modelsDir: string
  /** The hub (default settings' hubUrl()). */
  hubUrl?: string
  catalog?: readonly CatalogModel[]
  signal?: AbortSignal
  onProgress?: (p: PullProgress) => void
}

export interface PullResult {
  entry: ModelEntry
  alreadyInstalled: boolean
  /** What the user should know: digests pinned at this download, outputs the edit could not add. */
  notes: string[]
}

const DOWNLOAD_DIR = '.download'
const INCOMPLETE = '.incomplete'

export async function pullModel(id: string, opts: PullOptions): Promise<PullResult> {
  const catalog = opts.catalog ?? CATALOG
  const model = catalogModel(id, catalog)
  if (!model) throw new PullError('unknown-model', `no model '${id}' to pull (available: ${catalog.map((m) => m.id).join(', ')})`)
  const dir = join(opts.modelsDir, model.id)
  const installed = await readModelDir(dir, 'user').catch(() => null)
  if (installed?.pulled) return { entry: installed, alreadyInstalled: true, notes: [`${model.id} is already installed in ${dir} (pulled ${installed.pulled.pulledAt}); delete that folder to pull it again`] }

  const work = join(dir, DOWNLOAD_DIR)
  await mkdir(work, { recursive: true })
  const progress = progressReporter(model.id, opts.onProgress)
  const base = opts.hubUrl ?? hubUrl()

  // 1. resolving
  progress.phase('resolving')
  const { revision, remote } = await resolveFiles(model, base, opts.signal)
  const expected = model.files.map((f, i) => f.bytes ?? remote[i].bytes)
  progress.total(expected.reduce<number>((s, b) => s + (b ?? 0), 0))

  // 2–3. downloading, verifying
  const files: PulledFile[] = []
  const notes: string[] = []
  for (const [i, f] of model.files.entries()) {
    const final = join(work, f.path)
    await mkdir(dirname(final), { recursive: true })
    const earlier = await stat(final).catch(() => null)
    if (earlier) {
      // Downloaded by an earlier pull (only verified files lose `.incomplete`); a vision file may
      // carry that pull's edit after the downloaded bytes: cut it off, then verify again.
      if (expected[i] !== undefined && earlier.size > expected[i]!) await truncate(final, expected[i]!)
      progress.skip(expected[i] ?? earlier.size)
      files.push(await verify(final, f, remote[i], progress))
      continue
    }
    const partial = final + INCOMPLETE
    progress.phase('downloading', f.path)
    progress.skip((await stat(partial).catch(() => null))?.size ?? 0)
    await download(remote[i].url, partial, `${model.repo}: ${f.path}`, {
      bytes: expected[i],
      signal: opts.signal,
      onBytes: progress.bytes,
      onResume: (attempt, at) => progress.message(`${f.path}: the transfer broke off; resuming at byte ${at} (attempt ${attempt + 1})`),
    })
    const record = await verify(partial, f, remote[i], progress)
    await rename(partial, final)
    files.push(record)
    if (record.verifiedBy === 'hub') notes.push(`${f.path}: ${record.bytes} bytes, SHA-256 ${record.sha256} (verified against the hub's own digest; pinned at this download)`)
  }
  if (!model.revision) notes.push(`${model.repo} pinned at commit ${revision} (the list has no pinned revision for it)`)

  // 4. editing
  const role = (r: CatalogFile['role']) => model.files.find((f) => f.role === r)?.path
  const readJson = async (path?: string) => (path ? (JSON.parse(await readFile(join(work, path), 'utf8')) as Record<string, unknown>) : {})
  const config = await readJson(role('config'))
  const preprocessor = await readJson(role('preprocessor'))
  const visionPath = role('vision')!
  progress.phase('editing', visionPath)
  const geometry = visionGeometry(model.family, config)
  const { outputs: visionOutputs, edit } = await editVision(work, visionPath, editRequest(model.family, geometry), {
    inputName: 'pixel_values',
    imageSize: geometry.imageSize,
    tokens: geometry.leading + geometry.grid * geometry.grid,
    hidden: geometry.hidden,
    heads: geometry.heads,
    pooledOutput: model.family === 'clip' ? 'image_embeds' : undefined,
  })
  notes.push(...edit.skipped.map((s) => `not available: ${s}`))

  // 5. checking, then installing
  progress.phase('checking')
  const textPath = role('text')
  const record: PullRecord = {
    catalogId: model.id,
    repo: model.repo,
    revision,
    pulledAt: new Date().toISOString(),
    files,
    ...(edit.added.length || edit.skipped.length ? { edit } : {}),
  }
  const manifest = parseManifest(
    hubManifest({
      model,
      config,
      preprocessor,
      files: { vision: visionPath, text: textPath, tokenizer: role('tokenizer'), tokenizerConfig: role('tokenizerConfig') },
      visionOutputs,
      textInputs: textPath ? readOnnxGraph(await readFile(join(work, textPath))).inputs : undefined,
      pulled: record,
    }),
  )
  await checkInstall({ ...manifest, dir: work, origin: 'user' })
  for (const f of model.files) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true })
    await rename(join(work, f.path), join(dir, f.path))
  }
  await rm(work, { recursive: true, force: true })
  const tmp = join(dir, 'manifest.json.tmp')
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n')
  await rename(tmp, join(dir, 'manifest.json'))
  progress.phase('done')
  return { entry: { ...manifest, dir, origin: 'user' }, alreadyInstalled: false, notes }
}

/** Metadata of every file at one commit: the pinned revision, or the commit `main` resolves to now. */
async function resolveFiles(model: CatalogModel, base: string, signal?: AbortSignal): Promise<{ revision: string; remote: RemoteFile[] }> {
  const what = (f: CatalogFile) => `${model.repo}: ${f.path}`
  let revision = model.revision
  if (!revision) {
    const first = await remoteFile(resolveUrl(base, model.repo, 'main', model.files[0].path), what(model.files[0]), signal)
    if (!first.commit || !/^[0-9a-f]{40}$/.test(first.commit)) throw new PullError('hub-error', `${model.repo}: the hub did not say which commit 'main' is, so the download cannot be pinned`)
    revision = first.commit
  }
  const remote: RemoteFile[] = []
  for (const f of model.files) {
    const r = await remoteFile(resolveUrl(base, model.repo, revision, f.path), what(f), signal)
    if (f.bytes !== undefined && r.bytes !== undefined && r.bytes !== f.bytes)
      throw new PullError('size', `${what(f)}: the hub's file has ${r.bytes} bytes, the pinned one ${f.bytes}`)
    if (f.sha256 && r.sha256 && r.sha256 !== f.sha256) throw new PullError('checksum', `${what(f)}: the hub's file has SHA-256 ${r.sha256}, the pinned one ${f.sha256}`)
    remote.push(r)
  }
  return { revision, remote }
}

/** Size and digest of a downloaded file against the catalog, else the hub; a file that fails is deleted. */
async function verify(path: string, f: CatalogFile, remote: RemoteFile, progress: ProgressReporter): Promise<PulledFile> {
  progress.phase('verifying', f.path)
  const fail = async (code: 'size' | 'checksum', message: string): Promise<never> => {
    await rm(path, { force: true })
    throw new PullError(code, `${f.path}: ${message}; the download was deleted, run the command again`)
  }
  const want = f.bytes ?? remote.bytes
  const got = await hashFile(path)
  if (want !== undefined && got.bytes !== want) return fail('size', `${got.bytes} bytes, expected ${want}`)
  if (f.sha256) {
    if (got.sha256 !== f.sha256) return fail('checksum', `SHA-256 ${got.sha256} does not match the pinned ${f.sha256}`)
    return { path: f.path, bytes: got.bytes, sha256: got.sha256, verifiedBy: 'catalog' }
  }
  if (remote.sha256) {
    if (got.sha256 !== remote.sha256) return fail('checksum', `SHA-256 ${got.sha256} does not match the hub's ${remote.sha256}`)
  } else if (remote.gitSha1) {
    if (got.gitSha1 !== remote.gitSha1) return fail('checksum', `git blob id ${got.gitSha1} does not match the hub's ${remote.gitSha1}`)
  } else {
    return fail('checksum', 'neither the list nor the hub gives a digest for this file, so it cannot be verified')
  }
  return { path: f.path, bytes: got.bytes, sha256: got.sha256, verifiedBy: 'hub' }
}

/**
 * Appends the graph edit to the verified vision file and keeps only the outputs the probe run
 * confirms. Returns the file's outputs and the edit record.
 */
async function editVision(work: string, file: string, req: VisionEditRequest, check: Parameters<typeof checkEdit>[2]): Promise<{ outputs: string[]; edit: NonNullable<PullRecord['edit']> }> {
  const path = join(work, file)
  const original = new Uint8Array(await readFile(path))
  const graph = readOnnxGraph(original)
  let plan = planVisionEdit(graph, req)
  const skipped = [...plan.skipped]
  const failed = await checkEdit(concatBytes(original, plan.appendix), plan, check)
  if (failed.size) {
    for (const [name, why] of failed) skipped.push(`${name}: ${why}`)
    const ok = (name?: string) => !!name && !failed.has(name)
    plan = planVisionEdit(graph, {
      pooledOutput: ok(plan.added.lastHiddenState) ? req.pooledOutput : undefined,
      patchEmbeds: ok(plan.added.patchEmbeds),
      hiddenOutput: req.hiddenOutput,
      attention: ok(plan.added.attentions) ? req.attention : undefined,
    })
  }
  if (plan.appendix.length) await appendFile(path, plan.appendix)
  const added = Object.values(plan.added).filter((n): n is string => !!n)
  return {
    outputs: [...graph.outputs, ...added],
    edit: { recipe: EDIT_RECIPE, added, skipped, softmax: plan.found.softmax, file, sha256: (await hashFile(path)).sha256 },
  }
}

const concatBytes = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** The manifest against the model files: the encoder's probe (every output's shape), the text tower and its tokenizer. */
async function checkInstall(entry: ModelEntry): Promise<void> {
  try {
    const encoder = await createEncoder(entry, { provider: 'cpu' })
    await encoder.release()
    if (entry.text) {
      const text = await createTextEncoder(entry, { provider: 'cpu' })
      await text.release()
    }
  } catch (e) {
    throw new PullError('bad-model', `the downloaded model does not work as its manifest says: ${(e as Error).message}`)
  }
}

type ProgressReporter = ReturnType<typeof progressReporter>

/** Bytes, speed (over the last few seconds) and ETA, reported at most every 100 ms while downloading. */
function progressReporter(modelId: string, emit?: (p: PullProgress) => void) {
  let phase: PullProgress['phase'] = 'resolving'
  let file: string | undefined
  let done = 0
  let total = 0
  let lastEmit = 0
  const samples: [number, number][] = []
  const send = (message?: string) => {
    const now = performance.now()
    samples.push([now, done])
    while (samples.length > 2 && now - samples[0][0] > 3000) samples.shift()
    const [t0, b0] = samples[0]
    const rate = now > t0 ? ((done - b0) * 1000) / (now - t0) : 0
    lastEmit = now
    emit?.({ modelId, phase, file, bytesDone: done, bytesTotal: total, bytesPerSecond: rate, etaSeconds: rate > 0 && total > done ? (total - done) / rate : -1, ...(message ? { message } : {}) })
  }
  return {
    phase(p: PullProgress['phase'], f?: string) {
      phase = p
      file = f
      send()
    },
    total(bytes: number) {
      total = bytes
    },
    /** Bytes already on disk (an earlier partial download): counted as done, not as speed. */
    skip(bytes: number) {
      done += bytes
      samples.length = 0
    },
    bytes(n: number) {
      done += n
      if (performance.now() - lastEmit >= 100) send()
    },
    message(text: string) {
      send(text)
    },
  }
}
