/** Video files themselves: the generated demo clip, and one decoded frame for the frame view. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FrameImage } from '../../common/ipc/contract'
import { decodeFrameAt } from '../video/decode'
import { makeDemoVideo } from '../video/demo'
import { rgbToRgba } from './quick-look'

/** The demo clip in the cache folder, generated on first use. */
export async function demoVideo(cacheDir: string): Promise<string> {
  const out = join(cacheDir, 'demo', 'tokenscope-demo.mp4')
  return existsSync(out) ? out : makeDemoVideo(out)
}

/** The frame shown at `pts` (at most `maxWidth` wide), as RGBA. */
export async function frameImage(path: string, pts: number, maxWidth?: number): Promise<FrameImage> {
  const frame = await decodeFrameAt(resolve(path), pts, { maxWidth })
  return { pts: frame.pts, width: frame.width, height: frame.height, rgba: rgbToRgba(frame.data) }
}
