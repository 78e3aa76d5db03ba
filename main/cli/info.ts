import type { CommandContext } from './context'
import { videoArg } from './options'
import { probeVideo } from '../video/probe'
import { resolveBinaries, type Binary } from '../video/binaries'

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
