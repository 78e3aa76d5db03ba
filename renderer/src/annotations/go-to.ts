/**
 * What the user typed into "go to": a frame number (`#1234`, `f1234`, `frame 1234`; 0-based
 * source frames, as the stamp shows them) or a time (`1:02:03.5`, `2:03.5`, `123.5`, `123.5s`),
 * which goes to the frame shown at that time.
 */
import { frameShownAt } from '../../../common/annotations/frames'

export type GoTo = { frame: number } | { error: string }

export function parseGoTo(text: string, framePts: ArrayLike<number>): GoTo {
  const t = text.trim().toLowerCase()
  if (!t) return { error: 'Type a time (1:02.5) or a frame number (#1234).' }
  const count = framePts.length
  if (count === 0) return { error: 'The frame list is not loaded yet.' }
  const frame = /^(?:#|f|frame\s*)(\d+)$/.exec(t)
  if (frame) {
    const n = Number(frame[1])
    return n < count ? { frame: n } : { error: `Frame ${n} is past the last frame (${count - 1}).` }
  }
  const time = /^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d*)?)s?$/.exec(t)
  if (!time) return { error: `"${text.trim()}" is neither a time (1:02.5) nor a frame number (#1234).` }
  const parts = [time[1], time[2], time[3]].filter((p): p is string => p !== undefined).map(Number)
  const seconds = parts.reduce((acc, p) => acc * 60 + p, 0)
  return { frame: frameShownAt(framePts, seconds) }
}
