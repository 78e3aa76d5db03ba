/**
 * Read-only test/debug state for e2e, added to `window.__tokenscope_debug` (the API client
 * creates that object with `api`, `last`, `progress`; we only add getters). Everything is cheap:
 * checksums read the canvases' pixels only when called.
 */
import { useVideoStore } from './stores/video'
import { useFrameStore } from './stores/frame'
import { SLOT_IDS, useMethodsStore, type SlotId } from './stores/methods'
import { useTimelineStore } from './stores/timeline'
import { useQuickLookStore } from './stores/quicklook'
import { useCompareStore } from './stores/compare'
import { useSweepStore } from './stores/sweep'
import { frameGroups } from './frame/overlay'
import { useAnnotationsStore } from './stores/annotations'
import { useSourceFramesStore } from './stores/source-frames'

/** FNV-1a over a canvas's RGBA pixels; 0 when the canvas is missing or empty. */
function canvasChecksum(canvas: HTMLCanvasElement | null): number {
  if (!canvas || canvas.width === 0 || canvas.height === 0) return 0
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
  let h = 0x811c9dc5
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193)
  return h >>> 0
}

const byTestId = (id: string) => document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`)

export function installDebug() {
  const video = useVideoStore()
  const frame = useFrameStore()
  const methods = useMethodsStore()
  const timeline = useTimelineStore()
  const quickLook = useQuickLookStore()
  const compare = useCompareStore()
  const sweep = useSweepStore()
  const annotations = useAnnotationsStore()
  const sourceFrames = useSourceFramesStore()
  const slotState = (id: SlotId) => {
    const s = methods.slots[id]
    const r = s.result
    return {
      id: methods.runId(s),
      budget: methods.budgetOf(id),
      running: s.running,
      tokensOut: r?.response.report.tokensOut ?? null,
      frames: r?.map.frameCount ?? null,
      error: s.error,
      current: !!r && !s.running && r.methodId === methods.runId(s) && JSON.stringify(r.budget) === JSON.stringify(methods.budgetOf(id)),
    }
  }
  const w = window as unknown as { __tokenscope_debug?: Record<string, unknown> }
  const target = (w.__tokenscope_debug ??= {})
  const getters: Record<string, () => unknown> = {
    currentFrame: () => frame.imageIndex,
    requestedFrame: () => frame.index,
    pts: () => frame.image?.pts ?? null,
    framesReady: () => video.framesReady,
    framesTotal: () => video.session?.framesTotal ?? 0,
    phase: () => video.phase,
    videoKey: () => video.session?.videoKey ?? null,
    zoomLevel: () => timeline.level,
    zoomSteps: () => timeline.steps,
    scroll: () => timeline.scroll,
    playing: () => frame.playing,
    /** Quick look: keyframe thumbnails received, made into bitmaps, and whether all have come. */
    quickLookFrames: () => quickLook.count,
    quickLookBitmaps: () => quickLook.bitmapsReady,
    quickLookDone: () => quickLook.done,
    /** The time previewed by scrubbing before any frame is encoded, or null. */
    previewTime: () => frame.previewTime,
    /**
     * Per slot: the method, whether it runs, its result's output tokens and frames, and `current`:
     * the result shown answers the method and budget chosen now (nothing left to compute for them).
     */
    methods: () => Object.fromEntries(SLOT_IDS.map((id) => [id, slotState(id)])),
    /** The compare view: the work area's view, its mode, the frames D visits, the whole-video difference counts. */
    compare: () => ({ view: compare.view, mode: compare.mode, stops: Array.from(compare.stops), metrics: compare.metrics, zoom: compare.zoom }),
    /** The sweep: running, its points (method, budget, error) and what the plot shows. */
    sweep: () => ({
      running: sweep.running,
      points: sweep.points.map((p) => ({ methodId: p.methodId, budget: p.budget, error: p.error ?? null })),
      plotted: sweep.plotted.map((p) => ({ methodId: p.methodId, budget: p.budget, x: p.x, y: p.y })),
    }),
    /** The annotation project as this window shows it, its file, edits not yet confirmed by the store, and the selection. */
    annotations: () => (annotations.project ? { file: annotations.meta?.file, problem: annotations.meta?.problem ?? null, pending: annotations.pendingEdits, project: annotations.project, selected: annotations.selected, currentSet: annotations.currentSet?.name ?? null } : null),
    /** The current source frame {index, pts} and the frame count. */
    sourceFrame: () => (sourceFrames.position ? { ...sourceFrames.position, count: sourceFrames.count } : null),
  }
  for (const [key, get] of Object.entries(getters)) Object.defineProperty(target, key, { get, enumerable: true, configurable: true })
  const fns: Record<string, (...a: never[]) => unknown> = {
    /** Checksum of heat row `row` ('a', 'b', 'novelty', 'concentration', 'keyframes'), or the first four combined. */
    heatRowChecksum: (row?: string) =>
      row ? canvasChecksum(byTestId(`heat-row-canvas-${row}`)) : ['a', 'b', 'novelty', 'concentration'].reduce((h, r) => Math.imul(h ^ canvasChecksum(byTestId(`heat-row-canvas-${r}`)), 0x01000193) >>> 0, 0x811c9dc5),
    overlayChecksum: () => canvasChecksum(document.querySelector<HTMLCanvasElement>('[data-testid^="overlay-canvas-"]')),
    frameChecksum: () => canvasChecksum(byTestId('frame-canvas')),
    timelineChecksum: () => canvasChecksum(byTestId('timeline-canvas')),
    /** Slot `id`'s output token per patch of the frame shown [N] (-1 pruned), or null without a result for it. */
    shownGroups: (id: SlotId) => {
      const r = methods.slots[id].result
      const t = frame.imageIndex
      return r && t >= 0 && t < r.map.frameCount ? Array.from(frameGroups(r.map, t)) : null
    },
  }
  for (const [key, fn] of Object.entries(fns)) Object.defineProperty(target, key, { value: fn, enumerable: true, configurable: true })
}
