/** An element's content size (clientWidth × clientHeight), kept current by a ResizeObserver from mount to unmount. */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export interface ElementSize {
  w: number
  h: number
}

export function useElementSize(el: Ref<HTMLElement | null>, initial: ElementSize): Ref<ElementSize> {
  const size = ref(initial)
  let observer: ResizeObserver | null = null
  onMounted(() => {
    observer = new ResizeObserver(() => {
      if (el.value) size.value = { w: el.value.clientWidth, h: el.value.clientHeight }
    })
    observer.observe(el.value!)
  })
  onBeforeUnmount(() => observer?.disconnect())
  return size
}
