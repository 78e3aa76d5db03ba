/**
 * Workbench keys (on window, ignored while typing in a field): ←/→ ±1 sampled frame, Shift ±10,
 * Home/End, +/− zoom, Space play/pause; D / Shift+D the next / previous frame where A and B
 * disagree most, J the nearest frame kept by a method that drops the one shown.
 */
import { onBeforeUnmount, onMounted } from 'vue'
import { useFrameStore } from '../stores/frame'
import { useTimelineStore } from '../stores/timeline'
import { useCompareStore } from '../stores/compare'

const isTyping = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement && (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'button'))

export function useHotkeys() {
  const frame = useFrameStore()
  const timeline = useTimelineStore()
  const compare = useCompareStore()

  function onKey(ev: KeyboardEvent) {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || isTyping(ev.target)) return
    const big = ev.shiftKey ? 10 : 1
    switch (ev.key) {
      case 'ArrowRight':
        frame.step(big)
        break
      case 'ArrowLeft':
        frame.step(-big)
        break
      case 'Home':
        frame.show(0)
        break
      case 'End':
        frame.show(frame.count - 1)
        break
      case '+':
      case '=':
        timeline.zoomBy(1)
        break
      case '-':
      case '_':
        timeline.zoomBy(-1)
        break
      case ' ':
        frame.togglePlay()
        break
      case 'd':
      case 'D':
        compare.jumpDisagreement(ev.shiftKey ? -1 : 1)
        break
      case 'j':
      case 'J':
        compare.jumpToKept()
        break
      default:
        return
    }
    ev.preventDefault()
  }

  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
