import type { CommandContext } from './index'
import { table } from './format'
import { videoArg } from './options'
import { probeVideo } from '../video/probe'
import { resolveBinaries, type Binary } from '../video/binaries'
import { listModels } from '../encoder/registry'
import { providerOrder } from '../encoder/session'

export async function probeCommand(ctx: CommandContext): Promise<void> {
  const info = await probeVideo(videoArg(ctx))
  const bins = await resolveBinaries()
  const binary = (b: Binary) => `${b.path} (${b.source}; ${b.version}) — ${b.reason}`
  ctx.out({ ...info, ffmpeg: bins.ffmpeg, ffprobe: bins.ffprobe }, () =>
    [
      `${info.path}`,
      `  duration     ${info.duration.toFixed(3)} s`,
      `  starts at    ${info.startTime.toFixed(3)} s`,
      `  frames       ${info.frameCount}${info.frameCountExact ? '' : ' (estimated)'}`,
      `  frame rate   ${info.fps.toFixed(3)} fps average, ${info.nominalFps.toFixed(3)} nominal${info.variableFrameRate ? ', variable' : ''}`,
      `  size         ${info.width}×${info.height}${info.rotation ? `, rotated ${info.rotation}°` : ''}`,
      `  codec        ${info.codec} (${info.pixelFormat})`,
      `  audio        ${info.hasAudio ? 'yes' : 'no'}`,
      `  file         ${(info.sizeBytes / 1e6).toFixed(1)} MB`,
      ...info.warnings.map((w) => `  warning      ${w}`),
      `  ffmpeg       ${binary(bins.ffmpeg)}`,
      `  ffprobe      ${binary(bins.ffprobe)}`,
    ].join('\n'),
  )
}

export async function modelsCommand(ctx: CommandContext): Promise<void> {
  const models = await listModels()
  const providers = await providerOrder()
  const rows = models.map((m) => ({
    id: m.id,
    name: m.name,
    description: m.description,
    licence: m.licence,
    origin: m.origin,
    dir: m.dir,
    grid: m.grid,
    dim: m.dim,
    classToken: Boolean(m.outputs.classToken),
    importance: m.outputs.importance?.kind ?? null,
    textEncoder: Boolean(m.text && m.files.text),
  }))
  ctx.out({ models: rows, providerWouldRun: providers[0], providersTried: providers }, () =>
    [
      table(
        ['id', 'grid', 'dim', 'class token', 'importance', 'text', 'origin'],
        rows.map((m) => [m.id, `${m.grid.h}×${m.grid.w}`, m.dim, m.classToken ? 'yes' : 'no', m.importance ?? 'none', m.textEncoder ? 'yes' : 'no', m.origin]),
      ),
      '',
      ...rows.map((m) => `${m.id}: ${m.name}. ${m.description} (licence: ${m.licence})`),
      '',
      `execution provider that would run: ${providers[0]} (tried in order: ${providers.join(' → ')})`,
    ].join('\n'),
  )
}
