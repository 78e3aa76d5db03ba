import { runRaw } from './run'
import { parseShowinfo } from './showinfo'

/**
 * The presentation time ffmpeg gives the first decoded frame of the video stream (decoding from the
 * start, as stored with -copyts), or null when no frame decodes. Count and fps sampling measure
 * their targets from it; a raw stream, which stores no times, starts where ffmpeg numbers it.
 */
export async function firstFrameTime(ffmpeg: string, path: string, signal?: AbortSignal): Promise<number | null> {
  const res = await runRaw(
    ffmpeg,
    ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', '-copyts', '-i', path, '-map', '0:v:0', '-vf', 'scale=16:16,settb=AVTB,showinfo', '-frames:v', '1', '-f', 'null', '-'],
    { signal },
  )
  return res.stderr.split(/\r?\n|\r/).map(parseShowinfo).find((f) => f !== null)?.pts ?? null
}
