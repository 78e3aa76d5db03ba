/**
 * `tokenscope models`: the installed models and what each provides (patch tokens, class token,
 * class attention, text tower, text relevance), then the models `tokenscope models pull <id>`
 * can download. `tokenscope models pull <id>`: the download with a progress bar (bytes, speed, ETA).
 */
import type { PullProgress } from '../../common/ipc/contract'
import { scanModels, userModelsDirs } from '../encoder/registry'
import { modelProvides, tokensLine } from '../encoder/provides'
import { providerOrder } from '../encoder/session'
import { CATALOG } from '../models/catalog'
import { pullModel } from '../models/pull'
import type { CommandContext } from './context'
import { UsageError } from './errors'
import { formatDuration, table } from './format'
import { formatBytes } from '../../common/units'

export async function modelsCommand(ctx: CommandContext): Promise<void> {
  const [sub, ...rest] = ctx.positionals
  if (sub === 'pull') return pullCommand(ctx, rest)
  if (sub !== undefined) throw new UsageError(`unknown 'models' subcommand '${sub}' (did you mean 'tokenscope models pull ${sub}'?)`)
  const { models, problems } = await scanModels()
  const providers = await providerOrder()
  const rows = models.map((m) => {
    const p = modelProvides(m)
    return {
      id: m.id,
      name: m.name,
      description: m.description,
      licence: m.licence,
      origin: m.origin,
      dir: m.dir,
      grid: m.grid,
      dim: m.dim,
      tokens: tokensLine(m),
      classToken: p.classToken,
      importance: p.importance ?? null,
      textEncoder: p.textTower,
      textRelevance: p.textRelevance ?? null,
      pulled: m.pulled ? { repo: m.pulled.repo, revision: m.pulled.revision, edit: m.pulled.edit?.added ?? [] } : null,
    }
  })
  const pullable = CATALOG.map((m) => ({ id: m.id, name: m.name, bytes: m.approxBytes, installed: models.some((x) => x.id === m.id), description: m.description }))
  ctx.out({ models: rows, problems: problems.map((p) => ({ path: p.path, error: p.error.message })), pullable, providerWouldRun: providers[0], providersTried: providers }, () =>
    [
      table(
        ['id', 'patch tokens', 'class token', 'class attention', 'text tower', 'origin'],
        rows.map((m) => [
          m.id,
          `${m.grid.h}×${m.grid.w} × ${m.dim}-d`,
          m.classToken ? 'yes' : 'no',
          m.importance === 'cls-attention' ? 'yes' : m.importance === 'saliency-proxy' ? 'proxy only' : 'no',
          m.textEncoder ? (m.textRelevance === 'frame-and-patch' ? 'yes (frames + patches)' : m.textRelevance === 'frame' ? 'yes (frames)' : 'yes') : 'no',
          m.origin,
        ]),
      ),
      '',
      ...rows.map((m) => `${m.id}: ${m.name}. ${m.description} (licence: ${m.licence})${m.pulled ? `\n  pulled from ${m.pulled.repo} at ${m.pulled.revision}` : ''}`),
      ...problems.map((p) => `unusable: ${p.path}: ${p.error.message}`),
      '',
      'Get a real model (one command, no Python):',
      ...pullable.map((m) => `  tokenscope models pull ${m.id.padEnd(16)} ${m.name}, ~${formatBytes(m.bytes)}${m.installed ? ' (installed)' : ''}`),
      '',
      `execution provider that would run: ${providers[0]} (tried in order: ${providers.join(' → ')})`,
    ].join('\n'),
  )
}

/** One line: `[#####.....] 120.3 MB / 602.0 MB  12.4 MB/s  ETA 0:39  downloading onnx/vision_model.onnx`. */
export function pullProgressLine(p: PullProgress, width = 30): string {
  const share = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0
  const filled = Math.round(share * width)
  const eta = p.etaSeconds >= 0 ? formatDuration(p.etaSeconds) : '--:--'
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}  ${formatBytes(p.bytesPerSecond)}/s  ETA ${eta}  ${p.phase}${p.file ? ` ${p.file}` : ''}`
}

async function pullCommand(ctx: CommandContext, args: string[]): Promise<void> {
  const [id, ...extra] = args
  if (!id) throw new UsageError(`which model? tokenscope models pull <id> (one of: ${CATALOG.map((m) => m.id).join(', ')})`)
  if (extra.length) throw new UsageError(`one model at a time (got also: ${extra.join(' ')})`)
  const modelsDir = userModelsDirs()[0]
  const tty = process.stderr.isTTY && !ctx.json
  const controller = new AbortController()
  const onSignal = () => controller.abort(Object.assign(new Error('download interrupted; run the same command again to resume'), { name: 'AbortError' }))
  process.once('SIGINT', onSignal)
  let lastDraw = 0
  let result
  try {
    result = await pullModel(id, {
      modelsDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (ctx.json) return
        if (p.message) process.stderr.write(`${tty ? '\r\x1b[K' : ''}${p.message}\n`)
        const now = Date.now()
        if (tty && (now - lastDraw >= 100 || p.phase !== 'downloading')) {
          lastDraw = now
          process.stderr.write(`\r${pullProgressLine(p)}\x1b[K`)
        }
      },
    })
  } finally {
    process.off('SIGINT', onSignal)
    if (tty) process.stderr.write('\n')
  }
  const { entry, alreadyInstalled, notes } = result
  const p = modelProvides(entry)
  ctx.out({ id: entry.id, dir: entry.dir, alreadyInstalled, pulled: entry.pulled, provides: p, tokens: tokensLine(entry), notes }, () =>
    [
      alreadyInstalled ? `${entry.id} is already installed in ${entry.dir}` : `installed ${entry.id} in ${entry.dir}`,
      `  tokens          ${tokensLine(entry)}`,
      `  class token     ${p.classToken ? 'yes' : 'no'}`,
      `  class attention ${p.importance === 'cls-attention' ? "yes (the last block's softmax)" : 'no (class-attention methods will refuse; proxy-ok ones say so)'}`,
      `  text tower      ${p.textTower ? `yes: relevance per ${p.textRelevance === 'frame-and-patch' ? 'frame and per patch' : 'frame'}` : 'no'}`,
      ...notes.map((n) => `  note: ${n}`),
      '',
      `next: tokenscope analyze video.mp4 --model ${entry.id}`,
    ].join('\n'),
  )
}
