/**
 * Timeline thumbnails: small decoded frames (`video:frame` with a small maxWidth), fetched only
 * for the positions on screen, two at a time, newest wishes first, cached per frame (LRU).
 */
import { shallowRef, triggerRef, type ShallowRef } from 'vue'
import { useApi } from '../api/use-api'
import { imageDataOf } from '../frame/draw'

const MAX_WIDTH = 160
const CACHE_SIZE = 300
const CONCURRENCY = 2

export function useThumbnails() {
  const api = useApi()
  /** Decoded thumbnails, least recently used first; triggered when one arrives (a redraw). */
  const cache = shallowRef(new Map<string, HTMLCanvasElement>())
  const failed = new Set<string>()
  let wanted: Array<{ key: string; path: string; pts: number }> = []
  let active = 0

  const keyOf = (path: string, pts: number) => `${path}|${pts}`

  function get(path: string, pts: number): HTMLCanvasElement | null {
    const key = keyOf(path, pts)
    const hit = cache.value.get(key)
    if (!hit) return null
    cache.value.delete(key) // refresh LRU position
    cache.value.set(key, hit)
    return hit
  }

  /** Replaces the wish list with these frames (the ones on screen now). */
  function want(path: string, ptsList: number[]) {
    wanted = ptsList.map((pts) => ({ key: keyOf(path, pts), path, pts })).filter((w) => !cache.value.has(w.key) && !failed.has(w.key))
    pump()
  }

  function pump() {
    while (active < CONCURRENCY && wanted.length > 0) {
      const next = wanted.shift()!
      active++
      api
        .invoke('video:frame', { path: next.path, pts: next.pts, maxWidth: MAX_WIDTH })
        .then(
          (img) => {
            const canvas = document.createElement('canvas')
            canvas.width = img.width
            canvas.height = img.height
            canvas.getContext('2d')!.putImageData(imageDataOf(img), 0, 0)
            cache.value.set(next.key, canvas)
            if (cache.value.size > CACHE_SIZE) cache.value.delete(cache.value.keys().next().value as string)
            triggerRef(cache)
          },
          () => failed.add(next.key), // a missing thumbnail is not worth a banner
        )
        .finally(() => {
          active--
          pump()
        })
    }
  }

  function clear() {
    cache.value.clear()
    failed.clear()
    wanted = []
  }

  return { get, want, clear, loaded: cache as Readonly<ShallowRef<ReadonlyMap<string, HTMLCanvasElement>>> }
}
