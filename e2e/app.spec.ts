/// <reference lib="dom" />
/**
 * The workbench in browser mode, end to end: open a generated clip with scene cuts, analyze it
 * with the built-in model, compare two methods while moving the budget, step frames with the
 * keyboard, see an error for a bad path, and the first start on the demo video. Test ids: e2e/TESTIDS.md.
 */
import { canvasPixels, expect, expectCanvasChanged, test } from './fixtures'
import { debugValue, invoke, lastResponse, MODEL, openAndAnalyze, resultsSettled, selectOptionOrFirst, slotStates } from './helpers'
import { makeClip } from '../tests/fixtures/videos'

test('the token in the URL is moved out of the address bar', async ({ app, host }) => {
  await expect.poll(() => app.url()).not.toContain('token=')
  expect(app.url().startsWith(host.origin)).toBe(true)
  // The page still talks to the host after the token left the URL.
  const info = await invoke<{ shell: string }>(app, 'app:info', undefined)
  expect(info.shell).toBe('browser')
})

test('analyze a clip, compare two methods, move the budget, step frames', async ({ app, clip }, testInfo) => {
  const { videoKey } = await openAndAnalyze(app, clip)
  const signals = await invoke<{ pts: number[] }>(app, 'tokens:signals', { videoKey })
  expect(signals.pts.length).toBeGreaterThan(4)
  await app.screenshot({ path: testInfo.outputPath('01-analyzed.png') })
  // A normal analysis shows no error on the way.
  await expect(app.getByTestId('error-banner')).toBeHidden()

  // --- two methods, A/B ---
  const methodA = await selectOptionOrFirst(app, 'method-select-a', 'tome', 0)
  const methodB = await selectOptionOrFirst(app, 'method-select-b', 'random-prune', 1)
  expect(methodA).not.toBe(methodB)
  const heatA = app.getByTestId('heat-row-canvas-a')
  const heatB = app.getByTestId('heat-row-canvas-b')
  const overlay = app.getByTestId(/^overlay-canvas-/).first()
  await expect.poll(async () => (await canvasPixels(heatA)).painted, { timeout: 60_000 }).toBeGreaterThan(0)
  await expect.poll(async () => (await canvasPixels(heatB)).painted, { timeout: 60_000 }).toBeGreaterThan(0)
  await expect(app.getByTestId('metrics-table').locator('tr')).not.toHaveCount(0)
  await expect(app.getByTestId('metrics-table')).toContainText(/\d/)
  // Beside the metrics, each result's tokens over the patch rows and columns (14 + 14 bars on the built-in model's grid).
  await expect(app.getByTestId('spatial-bias-a').locator('rect')).toHaveCount(28)
  await expect(app.getByTestId('spatial-bias-b').locator('rect')).toHaveCount(28)

  // --- the budget moves: both heat rows and the overlay must redraw differently ---
  const slider = app.getByTestId('budget-slider')
  const [min, max] = await slider.evaluate((el) => [Number((el as HTMLInputElement).min || 0), Number((el as HTMLInputElement).max || 100)])
  const step = await slider.evaluate((el) => Number((el as HTMLInputElement).step) || 0)
  const snap = (v: number) => (step > 0 ? min + Math.round((v - min) / step) * step : v)
  await slider.fill(String(snap(min + 0.1 * (max - min))))
  await expect.poll(async () => (await lastResponse<{ report: { budgetTokens: number } }>(app, 'method:run'))?.report.budgetTokens ?? -1).toBeGreaterThan(0)
  // Settle at the low budget: both results for it are in and drawn, so what changes next comes from raising it.
  await resultsSettled(app)
  const low = { a: (await canvasPixels(heatA)).hash, b: (await canvasPixels(heatB)).hash, overlay: (await canvasPixels(overlay)).hash }
  const lowTokens = (await lastResponse<{ report: { budgetTokens: number } }>(app, 'method:run'))!.report.budgetTokens
  await app.screenshot({ path: testInfo.outputPath('02-low-budget.png') })

  await slider.fill(String(snap(min + 0.9 * (max - min))))
  await expectCanvasChanged(heatA, low.a, 'heat row A after raising the budget')
  await expectCanvasChanged(heatB, low.b, 'heat row B after raising the budget')
  await expectCanvasChanged(overlay, low.overlay, 'the overlay after raising the budget')
  await expect.poll(async () => (await lastResponse<{ report: { budgetTokens: number } }>(app, 'method:run'))!.report.budgetTokens).toBeGreaterThan(lowTokens)
  await app.screenshot({ path: testInfo.outputPath('03-high-budget.png') })

  // --- frame stepping: the shown timestamp is the decoded frame's pts, from the service's frame list ---
  // Take focus off the inputs so the arrow keys reach the frame view, not the slider.
  await expect(app.getByTestId('frame-canvas')).toBeVisible()
  await app.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  const stamp = app.getByTestId('frame-timestamp')
  const index = async () => Number(await stamp.getAttribute('data-frame-index'))
  const start = await index()
  expect(start).toBeGreaterThanOrEqual(0)
  const moves: [string, number][] = [
    ['ArrowRight', 1],
    ['ArrowRight', 1],
    ['ArrowRight', 1],
    ['ArrowLeft', -1],
  ]
  let expected = start
  for (const [key, delta] of moves) {
    await app.keyboard.press(key)
    expected = Math.min(signals.pts.length - 1, Math.max(0, expected + delta))
    await expect.poll(index).toBe(expected)
    // The service decodes the frame at that sampled time and says which pts it really got.
    const decoded = await invoke<{ pts: number }>(app, 'video:frame', { path: clip, pts: signals.pts[expected], maxWidth: 64 })
    expect(decoded.pts).toBeCloseTo(signals.pts[expected], 6)
    await expect(stamp).toHaveAttribute('data-pts', String(decoded.pts))
  }
  await app.screenshot({ path: testInfo.outputPath('04-stepped.png') })
})

test('a bad path shows the error the service gave', async ({ app }, testInfo) => {
  const bad = '/nonexistent/tokenscope-e2e/nope.mp4'
  await app.getByTestId('open-path-input').fill(bad)
  await app.getByTestId('open-button').click()
  const banner = app.getByTestId('error-banner')
  await expect(banner).toBeVisible()
  const message = await app.evaluate(async (p) => {
    const api = window.__tokenscope_debug!.api as unknown as { invoke(c: string, p: unknown): Promise<unknown> }
    return api.invoke('video:probe', { path: p }).then(
      () => 'unexpectedly opened',
      (e: Error) => e.message,
    )
  }, bad)
  expect(message).not.toBe('unexpectedly opened')
  await expect(banner).toContainText(message)
  await app.screenshot({ path: testInfo.outputPath('error-banner.png') })
})

test('quick look: keyframe thumbnails and their novelty fill the timeline before the analysis, and scrubbing previews frames', async ({ app }, testInfo) => {
  // 30 s at 8 fps, one keyframe per second, a hard cut every second.
  const long = await makeClip({ seconds: 30, fps: 8, width: 320, height: 240, kind: 'cuts' })
  await app.getByTestId('open-path-input').fill(long)
  await app.getByTestId('open-button').click()
  const debug = (key: string) => debugValue(app, key)
  await expect.poll(() => debug('quickLookDone'), { timeout: 60_000 }).toBe(true)
  const look = await lastResponse<{ keyframePts: number[] }>(app, 'video:quick-look')
  expect(look?.keyframePts.length).toBe(30)
  expect(await debug('quickLookFrames')).toBe(30)
  await expect.poll(() => debug('quickLookBitmaps')).toBe(30)
  expect(await debug('framesReady')).toBe(0)

  // The thumbnail band of the ruler canvas shows the keyframes' pictures (not just background).
  const strip = async () =>
    app.getByTestId('timeline-canvas').evaluate((el) => {
      const c = el as HTMLCanvasElement
      const dpr = c.height / (c.getBoundingClientRect().height || 1)
      const y0 = Math.round(28 * dpr) // below the ruler (20 px) and the keyframe ticks (8 px)
      const h = c.height - y0
      if (h <= 0) return { colourful: 0, columns: 0 }
      const px = c.getContext('2d')!.getImageData(0, y0, c.width, h).data
      let colourful = 0
      const cols = new Set<number>()
      for (let i = 0; i < px.length; i += 4) {
        const spread = Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2])
        if (spread > 60) {
          colourful++
          cols.add((i / 4) % c.width)
        }
      }
      return { colourful, columns: cols.size / c.width }
    })
  await expect.poll(async () => (await strip()).columns, { message: 'keyframe thumbnails across the timeline' }).toBeGreaterThan(0.5)
  const keyRow = app.getByTestId('heat-row-canvas-keyframes')
  await expect.poll(async () => (await canvasPixels(keyRow)).painted).toBeGreaterThan(0)
  await app.screenshot({ path: testInfo.outputPath('quick-look-before-analysis.png') })

  // Clicking before any frame is encoded shows the video's frame at that time.
  const box = (await app.getByTestId('timeline-canvas').boundingBox())!
  await app.mouse.click(box.x + box.width * 0.5, box.y + 10)
  await expect.poll(() => debug('previewTime')).not.toBeNull()
  const t = (await debug('previewTime')) as number
  expect(t).toBeGreaterThan(13)
  expect(t).toBeLessThan(17)
  const stamp = app.getByTestId('frame-timestamp')
  await expect(stamp).toHaveAttribute('data-frame-index', '-1')
  await expect.poll(async () => Number(await stamp.getAttribute('data-pts'))).toBeGreaterThanOrEqual(t - 1e-3)
  expect(Number(await stamp.getAttribute('data-pts'))).toBeLessThan(t + 0.2)
  await expect.poll(async () => (await canvasPixels(app.getByTestId('frame-canvas'))).painted).toBeGreaterThan(0)
  await app.screenshot({ path: testInfo.outputPath('quick-look-preview.png') })

  // Analysis: the strip stays while frames arrive; once done, the keyframe row gives way to the analysis's rows.
  await app.getByTestId('model-select').selectOption(MODEL)
  await app.getByTestId('sampling-select').selectOption('fps')
  await app.getByTestId('analyze-button').click()
  await expect(app.getByTestId('progress')).toHaveAttribute('data-phase', 'done', { timeout: 180_000 })
  await expect.poll(() => debug('framesReady')).toBeGreaterThan(0)
  await expect(keyRow).toHaveCount(0)
  await expect.poll(async () => (await canvasPixels(app.getByTestId('heat-row-canvas-novelty'))).painted).toBeGreaterThan(0)
  expect((await strip()).columns).toBeGreaterThan(0.5)
  await app.screenshot({ path: testInfo.outputPath('quick-look-after-analysis.png') })
})

test('first start: one click on the demo video gives heat rows and a token-map overlay', async ({ app }, testInfo) => {
  const started = Date.now()
  await app.getByTestId('demo-button').click()
  // The host generates the clip (ffmpeg sources, scene cuts, motion) and the app analyzes it with the built-in model.
  await expect(app.getByTestId('progress')).toHaveAttribute('data-phase', 'done', { timeout: 180_000 })
  const session = await lastResponse<{ info: { path: string; duration: number } }>(app, 'analysis:start')
  expect(session?.info.path).toMatch(/tokenscope-demo\.mp4$/)
  expect(session?.info.duration).toBeGreaterThan(30)
  // Both default methods ran on the whole analysed video: their heat rows and method A's overlay are drawn.
  const frames = await app.evaluate(() => (window.__tokenscope_debug!.progress as { framesDone: number }).framesDone)
  expect(frames).toBeGreaterThan(30) // 1 frame per second, the default sampling
  await expect
    .poll(async () => (await lastResponse<{ frameShare: number[] }>(app, 'method:run'))?.frameShare.length, { message: 'a result for every analysed frame', timeout: 120_000 })
    .toBe(frames)
  // Both slots (not only the one that answered last) hold a result for every analysed frame, for the budget on screen.
  await expect
    .poll(async () => Object.values(await slotStates(app)).map((s) => s.current && s.frames), { message: 'both slots have a current result for every frame', timeout: 120_000 })
    .toEqual([frames, frames])
  await expect(app.getByText('computing…')).toHaveCount(0, { timeout: 120_000 })
  for (const id of ['heat-row-canvas-a', 'heat-row-canvas-b', 'overlay-canvas-a']) {
    await expect.poll(async () => (await canvasPixels(app.getByTestId(id))).painted, { message: `${id} is drawn`, timeout: 60_000 }).toBeGreaterThan(0)
  }
  await expect(app.getByTestId('metrics-table')).toContainText(/\d/)
  // Timed for the note, not asserted: the "within a minute" is a machine-dependent speed.
  testInfo.annotations.push({ type: 'first start', description: `demo generated, analyzed and compared in ${((Date.now() - started) / 1000).toFixed(1)} s` })
  await app.screenshot({ path: testInfo.outputPath('demo.png') })
})
