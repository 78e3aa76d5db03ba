/// <reference lib="dom" />
/**
 * A/B comparison in browser mode: two methods side by side on the same frame, their difference
 * overlay and legend, the metrics table and its CSV, frames one method drops, and a budget sweep
 * of four methods with its plot and exports, keyframe scores against an imported annotation set.
 * Test ids: e2e/TESTIDS.md.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { csvParse, csvParseRows } from 'd3-dsv'
import type { Download, Locator, Page } from '@playwright/test'
import { canvasPixels, expect, test } from './fixtures'
import { debugValue, openAndAnalyze, resultsSettled, slotStates } from './helpers'
import { clipCutTimes, makeClip } from '../tests/fixtures/videos'

const GRID = { h: 14, w: 14 }
const N = GRID.h * GRID.w

/** Alpha and colour of the overlay canvas at the centre of each patch [N]. */
async function patchCentres(canvas: Locator): Promise<[number, number, number, number][]> {
  return canvas.evaluate(
    (el, grid) => {
      const c = el as HTMLCanvasElement
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      const out: [number, number, number, number][] = []
      for (let i = 0; i < grid.h * grid.w; i++) {
        const x = Math.floor(((i % grid.w) + 0.5) * (c.width / grid.w))
        const y = Math.floor((Math.floor(i / grid.w) + 0.5) * (c.height / grid.h))
        const k = (y * c.width + x) * 4
        out.push([px[k], px[k + 1], px[k + 2], px[k + 3]])
      }
      return out
    },
    GRID,
  )
}

const shownGroups = (page: Page, slot: 'a' | 'b') => page.evaluate((s) => (window.__tokenscope_debug as unknown as { shownGroups(s: string): number[] | null }).shownGroups(s), slot)

async function pickMethod(page: Page, slot: 'a' | 'b', id: string) {
  await page.getByTestId(`method-select-${slot}`).selectOption(id)
}

/** Sets the shared budget slider to about `share` of the tokens (its log scale: 1 % … 100 %). */
async function setBudget(page: Page, share: number) {
  const position = Math.round((1000 * Math.log(share / 0.01)) / Math.log(100))
  await page.getByTestId('budget-slider').fill(String(position))
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void]
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) }
}

/** Opens and analyses the clip, with methods A and B at about 10 % of the tokens, their results in. */
async function compareOnClip(page: Page, clip: string, a: string, b: string) {
  await openAndAnalyze(page, clip)
  await pickMethod(page, 'a', a)
  await pickMethod(page, 'b', b)
  await setBudget(page, 0.1)
  await resultsSettled(page)
}

const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) })

test('compare view: A and B side by side differ where the methods differ; the difference legend equals the metrics; exports', async ({ app, clip }, testInfo) => {
  await compareOnClip(app, clip, 'tome', 'divprune')
  await app.getByTestId('view-tab-compare').click()
  await expect(app.getByTestId('compare-view')).toBeVisible()
  await app.mouse.move(0, 0) // no patch hovered
  const overlayA = app.getByTestId('compare-overlay-a')
  const overlayB = app.getByTestId('compare-overlay-b')
  await expect.poll(async () => (await canvasPixels(overlayB)).painted, { message: 'B overlay drawn' }).toBeGreaterThan(0)
  await resultsSettled(app)

  // Where one method prunes a patch the other keeps, its overlay dims that patch and the other's does not.
  const a = (await shownGroups(app, 'a'))!
  const b = (await shownGroups(app, 'b'))!
  expect(a).toHaveLength(N)
  const aOnly = a.flatMap((g, i) => (g >= 0 && b[i] < 0 ? [i] : []))
  const bOnly = a.flatMap((g, i) => (g < 0 && b[i] >= 0 ? [i] : []))
  expect(aOnly.length + bOnly.length, 'tome and divprune keep different patches').toBeGreaterThan(20)
  const [pa, pb] = [await patchCentres(overlayA), await patchCentres(overlayB)]
  for (const i of aOnly) expect(pb[i][3] - pa[i][3], `patch ${i}: pruned by B only`).toBeGreaterThan(50)
  for (const i of bOnly) expect(pa[i][3] - pb[i][3], `patch ${i}: pruned by A only`).toBeGreaterThan(50)
  await app.screenshot({ path: testInfo.outputPath('compare-side-by-side.png') })

  // Linked hover: a patch hovered in A names its token in A and in B.
  const box = (await overlayA.boundingBox())!
  const probe = aOnly[0]
  await app.mouse.move(box.x + ((probe % GRID.w) + 0.5) * (box.width / GRID.w), box.y + (Math.floor(probe / GRID.w) + 0.5) * (box.height / GRID.h))
  await expect(app.getByTestId('compare-hover-info')).toContainText(`patch ${probe}`)
  await expect(app.getByTestId('compare-hover-info')).toContainText(`A: token #${a[probe]}`)
  await expect(app.getByTestId('compare-hover-info')).toContainText('B: pruned')
  await app.mouse.move(0, 0)

  // The difference overlay: A-only patches in A's teal; its legend's counts are the metrics table's.
  await app.getByTestId('compare-mode').selectOption('difference')
  const diff = app.getByTestId('compare-overlay-diff')
  await expect.poll(async () => (await canvasPixels(diff)).painted).toBeGreaterThan(0)
  await app.evaluate(() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn))))
  const pd = await patchCentres(diff)
  for (const i of aOnly) {
    const [r, g, , alpha] = pd[i]
    expect(alpha, `patch ${i} shows as A only`).toBeGreaterThan(100)
    expect(g, `patch ${i} in teal`).toBeGreaterThan(r)
  }
  const legend = async (scope: 'frame' | 'video', c: string) => Number(await app.getByTestId(`legend-${scope}-${c}`).getAttribute('data-value'))
  const metric = async (key: string) => Number(await app.getByTestId('difference-table').locator(`tr[data-metric="${key}"] td.num`).getAttribute('data-value'))
  const pairs: [string, string][] = [
    ['both', 'patchesBoth'],
    ['groupedDifferently', 'patchesGroupedDifferently'],
    ['aOnly', 'patchesAOnly'],
    ['bOnly', 'patchesBOnly'],
    ['neither', 'patchesNeither'],
  ]
  let total = 0
  for (const [category, key] of pairs) {
    expect(await legend('video', category), category).toBe(await metric(key))
    total += await legend('video', category)
  }
  const frames = ((await debugValue(app, 'methods')) as { a: { frames: number } }).a.frames
  expect(total).toBe(frames * N)
  // This frame's counts agree with the two token maps shown.
  expect(await legend('frame', 'aOnly')).toBe(aOnly.length)
  expect(await legend('frame', 'bOnly')).toBe(bOnly.length)
  expect(await legend('frame', 'neither')).toBe(a.filter((g, i) => g < 0 && b[i] < 0).length)
  expect((await legend('frame', 'both')) + (await legend('frame', 'groupedDifferently'))).toBe(a.filter((g, i) => g >= 0 && b[i] >= 0).length)
  await app.screenshot({ path: testInfo.outputPath('compare-difference.png') })

  // D jumps to a frame where they disagree most.
  await app.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  const stops = ((await debugValue(app, 'compare')) as { stops: number[] }).stops
  expect(stops.length).toBeGreaterThan(0)
  await app.keyboard.press('d')
  await expect.poll(async () => stops.includes(Number(await app.getByTestId('compare-timestamp').getAttribute('data-frame-index')))).toBe(true)

  // PNG of the view: the pane, the legend and the time in one image.
  const png = await downloaded(app, () => app.getByTestId('compare-export-png').click())
  expect(png.name).toMatch(/^compare-difference-frame\d+\.png$/)
  expect(isPng(png.bytes)).toBe(true)
  const paneSize = await diff.evaluate((c) => ({ w: (c as HTMLCanvasElement).width, h: (c as HTMLCanvasElement).height }))
  expect(pngSize(png.bytes).width).toBeGreaterThanOrEqual(paneSize.w)
  expect(pngSize(png.bytes).height).toBeGreaterThan(paneSize.h)
  writeFileSync(testInfo.outputPath('export-compare.png'), png.bytes)

  // The metrics table as CSV parses back to the numbers on screen.
  const csv = await downloaded(app, () => app.getByTestId('metrics-export-csv').click())
  const rows = csvParseRows(csv.bytes.toString('utf8').trimEnd())
  expect(rows[0]).toEqual(['metric', 'label', 'A: tome', 'B: divprune', 'B - A', 'better', 'A vs B'])
  const table = app.getByTestId('metrics-table')
  let numbers = 0
  for (const row of rows.slice(1)) {
    const tr = table.locator(`tr[data-metric="${row[0]}"]`)
    if ((await tr.count()) === 0) {
      expect(Number(row[6]), row[0]).toBe(await metric(row[0]))
      continue
    }
    const cells = await tr.locator('td.num').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value') ?? ''))
    for (const [col, cell] of [[2, cells[0]], [3, cells[1]], [4, cells[2]]] as const) {
      if (cell === '' || Number.isNaN(Number(cell))) expect(row[col], `${row[0]} column ${col}`).toBe(cell)
      else {
        expect(Number(row[col]), `${row[0]} column ${col}`).toBe(Number(cell))
        numbers++
      }
    }
  }
  expect(numbers).toBeGreaterThan(20)
})

test('frame selection: dropped frames, kept-frame markers, the nearest kept frame one key (J) away', async ({ app, clip }, testInfo) => {
  await compareOnClip(app, clip, 'scene-segments', 'uniform-frames')
  for (const row of ['difference', 'kept-a', 'kept-b']) {
    await expect.poll(async () => (await canvasPixels(app.getByTestId(`heat-row-canvas-${row}`))).painted, { message: `${row} row drawn` }).toBeGreaterThan(0)
  }
  await app.getByTestId('view-tab-compare').click()
  // Find a frame A drops, step to it, and come back to A's nearest kept frame with K.
  await app.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  const stamp = app.getByTestId('compare-timestamp')
  const index = async () => Number(await stamp.getAttribute('data-frame-index'))
  while ((await shownGroups(app, 'a'))!.some((g) => g >= 0)) {
    const before = await index()
    await app.keyboard.press('ArrowRight')
    await expect.poll(index, 'A drops some frame of the clip').toBe(before + 1)
  }
  await expect(app.getByTestId('compare-dropped-a')).toBeVisible()
  const nearest = Number((await app.getByTestId('compare-nearest-kept-a').textContent())!.match(/frame (\d+)/)![1]) - 1
  await app.screenshot({ path: testInfo.outputPath('compare-dropped-frame.png') })
  await app.keyboard.press('j')
  await expect.poll(index).toBe(nearest)
  await expect(app.getByTestId('compare-dropped-a')).toBeHidden()
  expect((await shownGroups(app, 'a'))!.some((g) => g >= 0)).toBe(true)
})

test('budget sweep of four methods: one point per budget per method, click sets the compare view, exports', async ({ app, clip }, testInfo) => {
  await openAndAnalyze(app, clip)
  await resultsSettled(app)
  await app.getByTestId('view-tab-sweep').click()
  const methods = ['tome', 'divprune', 'avg-pool', 'uniform-frames']
  for (const [i, m] of methods.entries()) await app.getByTestId(`sweep-method-${i}`).selectOption(m)
  for (let i = methods.length; i < 6; i++) await app.getByTestId(`sweep-method-${i}`).selectOption('')
  await expect(app.getByTestId('sweep-budgets')).toHaveValue('2, 5, 10, 25, 50')
  await app.getByTestId('sweep-run').click()
  await expect.poll(async () => ((await debugValue(app, 'sweep')) as { running: boolean; points: unknown[] }).points.length, { timeout: 120_000 }).toBe(20)
  const dots = app.locator('[data-testid="sweep-plot"] svg g[aria-label="dot"] circle')
  await expect(dots).toHaveCount(20)
  for (const m of methods) await expect(app.locator(`[data-testid="sweep-plot"] svg g[aria-label="dot"] circle[aria-label^="${m} at "]`), m).toHaveCount(5)
  await app.screenshot({ path: testInfo.outputPath('sweep-plot.png') })

  // The exports: SVG with every point, PNG, CSV with every point's metrics.
  const svg = await downloaded(app, () => app.getByTestId('sweep-export-svg').click())
  expect(svg.name).toBe('sweep-tokenFidelity.svg')
  const text = svg.bytes.toString('utf8')
  expect(text).toMatch(/^<\?xml/)
  expect(text.match(/<circle /g)).toHaveLength(20)
  writeFileSync(testInfo.outputPath('export-sweep.svg'), svg.bytes)
  const png = await downloaded(app, () => app.getByTestId('sweep-export-png').click())
  expect(isPng(png.bytes)).toBe(true)
  writeFileSync(testInfo.outputPath('export-sweep.png'), png.bytes)
  const csv = csvParse((await downloaded(app, () => app.getByTestId('sweep-export-csv').click())).bytes.toString('utf8'))
  expect(csv).toHaveLength(20)
  const plotted = ((await debugValue(app, 'sweep')) as { plotted: { methodId: string; budget: number; y: number }[] }).plotted
  for (const p of plotted) expect(Number(csv.find((r) => r.method === p.methodId && Number(r.budget) === p.budget)!.tokenFidelity)).toBe(p.y)

  // Hover a point to read it; click it: that method at that budget is A in the compare view.
  // tome's points lie apart from the others' (divprune and uniform-frames coincide at fidelity 1).
  const target = app.locator('[data-testid="sweep-plot"] svg g[aria-label="dot"] circle[aria-label="tome at 25 %"]')
  const c = (await target.boundingBox())!
  await app.mouse.move(c.x + c.width / 2, c.y + c.height / 2)
  await expect(app.locator('[data-testid="sweep-plot"] svg g[aria-label="tip"]')).toContainText('tome')
  await app.mouse.click(c.x + c.width / 2, c.y + c.height / 2)
  await expect(app.getByTestId('compare-view')).toBeVisible()
  await expect.poll(async () => (await slotStates(app)).a).toMatchObject({ id: 'tome', budget: { ratio: 0.25 }, current: true })
})

test('keyframe scoring: scene-segments vs uniform-frames against the scene changes imported into the video\'s project', async ({ app }, testInfo) => {
  // A clip of its own (its own project): 6 s, a hard cut every second.
  const clip = await makeClip({ seconds: 6, fps: 8, width: 320, height: 240, kind: 'cuts' })
  const cuts = clipCutTimes(6)
  await compareOnClip(app, clip, 'scene-segments', 'uniform-frames')
  // The scenes, as a QVHighlights file imported through the annotation panel as a new user would.
  const file = join(mkdtempSync(join(tmpdir(), 'ts-e2e-cuts-')), 'cuts.jsonl')
  writeFileSync(file, JSON.stringify({ qid: 1, query: 'scene changes', vid: 'cuts', duration: 6, relevant_windows: cuts.map((t) => [t, t + 1]), set: 'scene changes' }) + '\n')
  await app.locator('details.more summary').click()
  await app.getByTestId('annotation-import-file').setInputFiles(file)

  await app.getByTestId('view-tab-compare').click()
  const select = app.getByTestId('keyframe-set-select')
  const setId = await select.locator('option', { hasText: 'scene changes' }).getAttribute('value')
  // The first set that marks anything is chosen by itself: the imported one.
  await expect(select).toHaveValue(setId!)
  const f1 = async (slot: 'a' | 'b') => Number(await app.getByTestId(`keyframe-f1-${slot}`).getAttribute('data-value'))
  const tableValue = async (metric: string, column: number) => app.getByTestId('metrics-table').locator(`tr[data-metric="${metric}"] td.num`).nth(column).getAttribute('data-value')
  await expect.poll(() => tableValue('temporalF1', 0)).not.toBeNull()
  // The bar's scores are the metrics table's, and within ±0.5 s one frame per scene finds the cuts that evenly spaced frames miss.
  await app.getByTestId('keyframe-delta').fill('0.5')
  await app.getByTestId('keyframe-delta').press('Enter')
  await expect.poll(() => tableValue('deltaSeconds', 0)).toBe('0.5')
  for (const [slot, column] of [['a', 0], ['b', 1]] as const) expect(await f1(slot), slot).toBe(Number(await tableValue('temporalF1', column)))
  expect(Number(await tableValue('keyframesAnnotated', 0))).toBe(cuts.length)
  expect(Number(await tableValue('temporalRecall', 0))).toBe(1)
  expect(await f1('a')).toBeGreaterThan(await f1('b'))
  await app.screenshot({ path: testInfo.outputPath('compare-keyframe-scores.png') })
  // A wider δ finds at least as much; no set: no scores.
  const narrow = [await f1('a'), await f1('b')]
  await app.getByTestId('keyframe-delta').fill('2')
  await app.getByTestId('keyframe-delta').press('Enter')
  await expect.poll(() => tableValue('deltaSeconds', 0)).toBe('2')
  expect(await f1('a')).toBeGreaterThanOrEqual(narrow[0])
  expect(await f1('b')).toBeGreaterThanOrEqual(narrow[1])
  await select.selectOption('none')
  await expect(app.getByTestId('keyframe-f1-a')).toHaveCount(0)
  await expect(app.getByTestId('metrics-table').locator('tr[data-metric="temporalF1"]')).toHaveCount(0)
  await select.selectOption(setId!)
  await app.getByTestId('keyframe-delta').fill('0.5')
  await app.getByTestId('keyframe-delta').press('Enter')
  await expect.poll(() => f1('a')).toBe(narrow[0])

  // The sweep plots keyframe F1 against tokens kept once a set is chosen.
  await app.getByTestId('view-tab-sweep').click()
  for (const [i, m] of ['scene-segments', 'uniform-frames'].entries()) await app.getByTestId(`sweep-method-${i}`).selectOption(m)
  for (let i = 2; i < 6; i++) await app.getByTestId(`sweep-method-${i}`).selectOption('')
  await app.getByTestId('sweep-budgets').fill('10, 25')
  await app.getByTestId('sweep-run').click()
  await expect.poll(async () => ((await debugValue(app, 'sweep')) as { points: unknown[] }).points.length, { timeout: 120_000 }).toBe(4)
  await app.getByTestId('sweep-metric').selectOption('temporalF1')
  await expect(app.locator('[data-testid="sweep-plot"] svg g[aria-label="dot"] circle')).toHaveCount(4)
  const plotted = ((await debugValue(app, 'sweep')) as { plotted: { methodId: string; budget: number; y: number }[] }).plotted
  for (const p of plotted) expect(p.y, `${p.methodId} at ${p.budget}`).toBeGreaterThanOrEqual(0)
  await app.screenshot({ path: testInfo.outputPath('sweep-keyframe-f1.png') })
})
