/**
 * Workbench keys (on window, ignored while typing in a field), from the one key table
 * (keys/keymap.ts): each binding's action runs here.
 */
import { onBeforeUnmount, onMounted } from 'vue'
import { useFrameStore } from '../stores/frame'
import { useTimelineStore } from '../stores/timeline'
import { useCompareStore } from '../stores/compare'
import { useSourceFramesStore } from '../stores/source-frames'
import { useAnnotationsStore } from '../stores/annotations'
import { type KeyAction, matchKey } from '../keys/keymap'

const isTyping = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement && (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'button'))

export function useHotkeys() {
  const frame = useFrameStore()
  const timeline = useTimelineStore()
  const compare = useCompareStore()
  const source = useSourceFramesStore()
  const annotations = useAnnotationsStore()

  const actions: Record<KeyAction, (key: string) => void> = {
    'sampled-next': () => frame.step(1),
    'sampled-prev': () => frame.step(-1),
    'sampled-next-10': () => frame.step(10),
    'sampled-prev-10': () => frame.step(-10),
    'first-frame': () => frame.show(0),
    'last-frame': () => frame.show(frame.count - 1),
    'source-next': () => source.step(1),
    'source-prev': () => source.step(-1),
    'source-hop-next': () => source.step(source.hop),
    'source-hop-prev': () => source.step(-source.hop),
    'go-to': () => annotations.goToRequest++,
    'zoom-in': () => timeline.zoomBy(1),
    'zoom-out': () => timeline.zoomBy(-1),
    play: () => frame.togglePlay(),
    'toggle-keyframe': () => annotations.toggleKeyframe(),
    'mark-in': () => annotations.markIn(),
    'mark-out': () => annotations.markOut(),
    label: (key) => annotations.label(Number(key)),
    'edit-note': () => annotations.editNote(),
    delete: () => annotations.deleteSelected(),
    undo: () => annotations.undo(),
    redo: () => annotations.redo(),
    'previous-annotation': () => annotations.jump(-1),
    'next-annotation': () => annotations.jump(1),
    help: () => (annotations.helpOpen = !annotations.helpOpen),
    escape: () => annotations.escape(),
    'next-disagreement': () => compare.jumpDisagreement(1),
    'previous-disagreement': () => compare.jumpDisagreement(-1),
    'nearest-kept': () => compare.jumpToKept(),
  }

  function onKey(ev: KeyboardEvent) {
    if (ev.defaultPrevented || isTyping(ev.target)) return
    const binding = matchKey(ev)
    if (!binding) return
    actions[binding.action](ev.key)
    ev.preventDefault()
  }

  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
