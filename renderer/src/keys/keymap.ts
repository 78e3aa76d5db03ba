/**
 * Every workbench key, defined once: the key handler (composables/useHotkeys.ts) looks actions up
 * here and the `?` help overlay lists this table, so the two cannot disagree.
 */

export type KeyAction =
  | 'sampled-next' | 'sampled-prev' | 'sampled-next-10' | 'sampled-prev-10' | 'first-frame' | 'last-frame'
  | 'source-next' | 'source-prev' | 'source-hop-next' | 'source-hop-prev' | 'go-to'
  | 'zoom-in' | 'zoom-out' | 'play'
  | 'toggle-keyframe' | 'mark-in' | 'mark-out' | 'label' | 'edit-note' | 'delete' | 'undo' | 'redo'
  | 'previous-annotation' | 'next-annotation' | 'help' | 'escape'
  | 'next-disagreement' | 'previous-disagreement' | 'nearest-kept'

export interface KeyBinding {
  /** KeyboardEvent.key values (letters match either case). */
  keys: readonly string[]
  /** Ctrl (or ⌘) held; default false. */
  ctrl?: boolean
  /** Shift held: true, false, or undefined when the key itself implies it (?, +). */
  shift?: boolean
  action: KeyAction
  /** As shown in the help. */
  label: string
  help: string
  group: 'Frames' | 'Annotate' | 'Compare' | 'View'
}

export const KEYMAP: readonly KeyBinding[] = [
  { keys: ['ArrowRight'], shift: false, action: 'sampled-next', label: '→', help: 'next analysed (sampled) frame', group: 'Frames' },
  { keys: ['ArrowLeft'], shift: false, action: 'sampled-prev', label: '←', help: 'previous analysed frame', group: 'Frames' },
  { keys: ['ArrowRight'], shift: true, action: 'sampled-next-10', label: 'Shift+→', help: '10 analysed frames forward', group: 'Frames' },
  { keys: ['ArrowLeft'], shift: true, action: 'sampled-prev-10', label: 'Shift+←', help: '10 analysed frames back', group: 'Frames' },
  { keys: ['Home'], action: 'first-frame', label: 'Home', help: 'first analysed frame', group: 'Frames' },
  { keys: ['End'], action: 'last-frame', label: 'End', help: 'last analysed frame', group: 'Frames' },
  { keys: ['.'], shift: false, action: 'source-next', label: '.', help: 'next source frame (every frame of the video, exact)', group: 'Frames' },
  { keys: [','], shift: false, action: 'source-prev', label: ',', help: 'previous source frame', group: 'Frames' },
  { keys: ['>', '.'], shift: true, action: 'source-hop-next', label: 'Shift+.', help: 'hop forward by the hop size in source frames', group: 'Frames' },
  { keys: ['<', ','], shift: true, action: 'source-hop-prev', label: 'Shift+,', help: 'hop back by the hop size', group: 'Frames' },
  { keys: ['g'], shift: false, action: 'go-to', label: 'G', help: 'go to a typed time (1:02.5) or frame number (#1234)', group: 'Frames' },
  { keys: ['k'], shift: false, action: 'toggle-keyframe', label: 'K', help: 'keyframe at the current frame: add, or remove it', group: 'Annotate' },
  { keys: ['i'], shift: false, action: 'mark-in', label: 'I', help: "segment in point (the selected segment's, or a new one's)", group: 'Annotate' },
  { keys: ['o'], shift: false, action: 'mark-out', label: 'O', help: 'segment out point: makes the segment (or moves the selected one’s end)', group: 'Annotate' },
  { keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'], shift: false, action: 'label', label: '1–9', help: 'label the selected item with that palette label (again: none)', group: 'Annotate' },
  { keys: ['n'], shift: false, action: 'edit-note', label: 'N', help: "edit the selected item's note (Enter keeps it, Esc cancels)", group: 'Annotate' },
  { keys: ['Delete', 'Backspace'], action: 'delete', label: 'Delete', help: 'delete the selected item', group: 'Annotate' },
  { keys: ['z'], ctrl: true, shift: false, action: 'undo', label: 'Ctrl+Z', help: 'undo the last edit', group: 'Annotate' },
  { keys: ['z'], ctrl: true, shift: true, action: 'redo', label: 'Ctrl+Shift+Z', help: 'redo', group: 'Annotate' },
  { keys: ['['], action: 'previous-annotation', label: '[', help: 'previous annotation of the current set', group: 'Annotate' },
  { keys: [']'], action: 'next-annotation', label: ']', help: 'next annotation', group: 'Annotate' },
  { keys: ['d'], shift: false, action: 'next-disagreement', label: 'D', help: 'next frame where methods A and B disagree most', group: 'Compare' },
  { keys: ['d'], shift: true, action: 'previous-disagreement', label: 'Shift+D', help: 'previous such frame', group: 'Compare' },
  { keys: ['j'], shift: false, action: 'nearest-kept', label: 'J', help: 'the nearest frame kept by a method that drops the one shown', group: 'Compare' },
  { keys: ['+', '='], action: 'zoom-in', label: '+', help: 'zoom the timeline in', group: 'View' },
  { keys: ['-', '_'], action: 'zoom-out', label: '−', help: 'zoom out', group: 'View' },
  { keys: [' '], action: 'play', label: 'Space', help: 'play / pause the analysed frames', group: 'View' },
  { keys: ['?'], action: 'help', label: '?', help: 'show or hide this list of keys', group: 'View' },
  { keys: ['Escape'], action: 'escape', label: 'Esc', help: 'close this list; clear the selection and a pending in point', group: 'View' },
]

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}

const same = (a: string, b: string) => a === b || (a.length === 1 && b.length === 1 && a.toLowerCase() === b.toLowerCase())

/** The binding a key press triggers, if any. */
export function matchKey(ev: KeyPress): KeyBinding | undefined {
  if (ev.altKey) return undefined
  const ctrl = ev.ctrlKey || ev.metaKey
  return KEYMAP.find((b) => Boolean(b.ctrl) === ctrl && (b.shift === undefined || b.shift === ev.shiftKey) && b.keys.some((k) => same(k, ev.key)))
}
