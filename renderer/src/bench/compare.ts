/**
 * The compare view's speed on two 1-hour token maps (3,600 frames × 196 patches, the shape of
 * common/bench/synthetic-token-map.ts): switching to another frame redraws both panes (the
 * frame and its method's overlay, as FramePane draws them) and the legend's counts; and the
 * patch-by-patch difference of the two maps, computed once per new result. The frame's image
 * and importance arrive over IPC and are not part of it (the delivery figures cover IPC).
 */
import { syntheticTokenMap } from '../../../common/bench/synthetic-token-map'
import { frameCategories, frameDiffCounts, tokenMapDifference } from '../../../common/compare/difference'
import type { FrameImage } from '../../../common/ipc/contract'
import { createRng } from '../../../common/tensor/rng'
import { createScratch, drawDifference, drawFrame, drawOverlay } from '../frame/draw'
import { frameGroups } from '../frame/overlay'
import { FIT_VIEW, pictureRect } from '../frame/viewport'
import { stat, type BenchStat } from './stat'

const T = 3600
const GRID = { h: 14, w: 14 }

function syntheticImage(width: number, height: number): FrameImage {
  const rgba = new Uint8Array(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    rgba[4 * i] = i % 251
    rgba[4 * i + 1] = (i >> 8) % 241
    rgba[4 * i + 2] = (i >> 4) % 239
    rgba[4 * i + 3] = 255
  }
  return { pts: 0, width, height, rgba }
}

export function benchCompare(results: Record<string, BenchStat>) {
  const a = syntheticTokenMap(T, GRID, 2)
  const b = syntheticTokenMap(T, GRID, 5)
  const diffTimes: number[] = []
  let difference = tokenMapDifference(a, b)
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now()
    difference = tokenMapDifference(a, b)
    diffTimes.push(performance.now() - t0)
  }
  const image = syntheticImage(960, 540)
  const random = createRng(9)
  const importance = Float32Array.from({ length: GRID.h * GRID.w }, () => random())
  const pane = () => {
    const c = (w: number, h: number) => Object.assign(document.createElement('canvas'), { width: w, height: h })
    return { frame: c(640, 360), overlay: c(640, 360) }
  }
  const scratch = createScratch()
  const panes = [pane(), pane()]
  const maps = [a, b]
  const rect = pictureRect(FIT_VIEW, 640, 360)
  const sideBySide: number[] = []
  const differenceMode: number[] = []
  for (let i = 0; i < 62; i++) {
    const t = Math.floor(random() * T)
    // Each frame arrives as a new image (same pixels here): the panes convert it once, together.
    const frameImage = { ...image }
    const t0 = performance.now()
    panes.forEach((p, k) => {
      drawFrame(p.frame, frameImage, scratch, rect)
      drawOverlay(p.overlay, { grid: GRID, importance, groups: frameGroups(maps[k], t), sizes: maps[k].tokenSizes, showHeat: true, showMap: true, opacity: 0.7, hoverGroup: -1 }, scratch, rect)
    })
    const counts = frameDiffCounts(difference, t)
    const t1 = performance.now()
    drawFrame(panes[0].frame, { ...image }, scratch, rect)
    drawDifference(panes[0].overlay, { grid: GRID, importance, categories: frameCategories(difference, t), showHeat: false, opacity: 0.7, hoverPatch: -1 }, scratch, rect)
    const t2 = performance.now()
    if (counts.both + counts.groupedDifferently + counts.aOnly + counts.bOnly + counts.neither !== GRID.h * GRID.w) throw new Error('difference counts do not add up')
    if (i >= 2) {
      sideBySide.push(t1 - t0)
      differenceMode.push(t2 - t1)
    }
  }
  results['compare view 1 h: another frame, both panes with overlays + legend'] = stat(sideBySide, 50)
  results['compare view 1 h: another frame, difference overlay'] = stat(differenceMode, 50)
  results['compare view 1 h: difference of the two maps (per new result)'] = stat(diffTimes, 50)
}
