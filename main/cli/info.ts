import type { CommandContext } from './context'
import { videoArg } from './options'
import { probeVideo } from '../video/probe'
import { resolveBinaries } from '../video/binaries'

export async function probeCommand(ctx: CommandContext): Promise<void> {
  const info = await probeVideo(videoArg(ctx))
  const bins = await resolveBinaries()
  ctx.out({ ...info, ffprobe: bins.ffprobe }, () =>
    [
      `${info.path}`,
      `  duration     ${info.duration.toFixed(3)} s`,
      `  frames       ${info.frameCount}${info.frameCountExact ? '' : ' (estimated)'}`,
      `  frame rate   ${info.fps.toFixed(3)} fps average, ${info.nominalFps.toFixed(3)} nominal${info.variableFrameRate ? ', variable' : ''}`,
      `  size         ${info.width}×${info.height}${info.rotation ? `, rotated ${info.rotation}°` : ''}`,
      `  codec        ${info.codec} (${info.pixelFormat})`,
      `  audio        ${info.hasAudio ? 'yes' : 'no'}`,
      `  file         ${(info.sizeBytes / 1e6).toFixed(1)} MB`,
      `  ffprobe      ${bins.ffprobe.path} (${bins.ffprobe.source}; ${bins.ffprobe.version})`,
    ].join('\n'),
  )
}
