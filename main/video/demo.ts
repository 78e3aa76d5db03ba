import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { resolveBinaries, type Binaries } from './binaries'
import { VideoError, stderrTail } from './errors'
import { run } from './run'

export interface DemoOptions {
  seconds?: number
  width?: number
  height?: number
  binaries?: Binaries
}

const DEMO_FPS = 30

/**
 * Writes a demo clip made only from ffmpeg's generated sources (no media files needed): five
 * scenes with hard cuts between them, each with motion — testsrc2, a Mandelbrot zoom, Conway's
 * life, coloured boxes on sine paths, and a cellular automaton. Defaults: 60 s, 640×360, 30 fps,
 * H.264 (libx264) in MP4, or MPEG-4 part 2 where libx264 is missing. Returns `outPath`.
 */
export async function makeDemoVideo(outPath: string, opts: DemoOptions = {}): Promise<string> {
  const seconds = opts.seconds ?? 60
  const width = even(opts.width ?? 640)
  const height = even(opts.height ?? 360)
  if (!(seconds > 0)) throw new RangeError(`demo length must be positive, got ${seconds}`)
  const { ffmpeg } = opts.binaries ?? (await resolveBinaries())
  const encoders = await run(ffmpeg.path, ['-hide_banner', '-encoders'])
  const codec = /\slibx264\s/.test(encoders.stdout)
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23']
    : ['-c:v', 'mpeg4', '-q:v', '4']
  await mkdir(dirname(outPath), { recursive: true })
  const tmp = `${outPath}.partial-${process.pid}.mp4`
  const res = await run(ffmpeg.path, [
    '-y', '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'lavfi', '-i', demoGraph(seconds, width, height),
    ...codec, '-pix_fmt', 'yuv420p', '-g', String(2 * DEMO_FPS), '-movflags', '+faststart',
    tmp,
  ])
  if (res.code !== 0) {
    await rm(tmp, { force: true })
    throw new VideoError('ffmpeg-missing', `ffmpeg could not make the demo video: ${stderrTail(res.stderr, 1)}`, res.stderr)
  }
  await rename(tmp, outPath)
  return outPath
}

/** The lavfi graph: scenes of equal length, normalised to one size/format and concatenated. */
export function demoGraph(seconds: number, w: number, h: number): string {
  const size = `s=${w}x${h}:r=${DEMO_FPS}`
  const box = (c: string, bw: number, bh: number) => `color=c=${c}:s=${even(bw)}x${even(bh)}:r=${DEMO_FPS}`
  const boxes =
    `color=c=0x101030:${size}[bg];${box('red', w / 8, w / 8)}[b1];${box('yellow', w / 10, w / 10)}[b2];${box('cyan', w / 6, h / 8)}[b3];` +
    `[bg][b1]overlay=x='(W-w)*(0.5+0.45*sin(t*1.3))':y='(H-h)*(0.5+0.45*cos(t*0.9))'[o1];` +
    `[o1][b2]overlay=x='mod(t*${Math.round(w / 4)},W)':y='H/3+H/5*sin(t*2)'[o2];` +
    `[o2][b3]overlay=x='W/2+W/3*cos(t*0.7)-w/2':y='mod(t*${Math.round(h / 3)},H)'`
  const scenes = [
    `testsrc2=${size}`,
    `mandelbrot=${size}`,
    `life=${size}:mold=10:ratio=0.15:life_color=#40ff80:death_color=#802020`,
    boxes,
    `cellauto=${size}:rule=110:scroll=1`,
  ]
  const d = seconds / scenes.length
  const parts = scenes.map((src, i) => `${src},trim=duration=${d.toFixed(3)},setsar=1,format=yuv420p[v${i}]`)
  return `${parts.join(';')};${scenes.map((_, i) => `[v${i}]`).join('')}concat=n=${scenes.length}:v=1:a=0`
}

function even(n: number): number {
  return Math.max(2, 2 * Math.round(n / 2))
}
