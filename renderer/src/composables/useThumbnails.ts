/**
 * Timeline thumbnails: small decoded frames (`video:frame` with a small maxWidth), fetched only
 * for the positions on screen, two at a time, newest wishes first, cached per frame (LRU).
 */
import { ref } from 'vue'
import { useApi } from '../api/client'
import { imageDataOf } from '../frame/draw'

const MAX_WIDTH = 160
const CACHE_SIZE = 300
const CONCURRENCY = 2

export function useThumbnails() {
  const api = useApi()
  const cache = new Map<string, HTMLCanvasElement>()
  const failed = new Set<string>()
  /** Bumps when a thumbnail arrives (redraw trigger). */
  const version = ref(0)
  let wanted: Array<{ key: string; path: string; pts: number }> = []
  let active = 0

  const keyOf = (path: string, pts: number) => `${path}|${pts}`

  function get(path: string, pts: number): HTMLCanvasElement | null {
    const key = keyOf(path, pts)
    const hit = cache.get(key)
    if (!hit) return null
    cache.delete(key) // refresh LRU position
    cache.set(key, hit)
    return hit
  }

  /** Replaces the wish list with these frames (the ones on screen now). */
  function want(path: string, ptsList: number[]) {
    wanted = ptsList.map((pts) => ({ key: keyOf(path, pts), path, pts })).filter((w) => !cache.has(w.key) && !failed.has(w.key))
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
            cache.set(next.key, canvas)
            if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string)
            version.value++
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
    cache.clear()
    failed.clear()
    wanted = []
  }

  return { get, want, clear, version }
}
