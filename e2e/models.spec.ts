/// <reference lib="dom" />
/**
 * A real model in one click and a text query: "get a real model" downloads CLIP ViT-B/16 from the
 * local hub (a generated stand-in, e2e/fixtures.ts `hub`), the clip is analyzed with it, a query
 * gives the timeline's relevance row and the frame view's relevance heatmap, and a prompt-guided
 * method runs with it. Test ids: e2e/TESTIDS.md.
 */
import { canvasPixels, expect, expectCanvasChanged, test } from './fixtures'

test('get a real model, analyze with it, query it, run a prompt-guided method', async ({ app: page, clip }, testInfo) => {
  await page.getByTestId('get-model-button').click()
  await expect(page.getByTestId('pullable-clip-vit-b16')).toBeVisible()
  await page.getByTestId('pull-button-clip-vit-b16').click()
  await expect(page.getByTestId('pullable-clip-vit-b16')).toContainText('installed', { timeout: 120_000 })
  await expect(page.getByTestId('model-select')).toHaveValue('clip-vit-b16')
  await expect(page.getByTestId('model-description')).toContainText('query relevance per frame and patch')
  await page.getByTestId('get-model-button').click() // close the list

  await page.getByTestId('open-path-input').fill(clip)
  await page.getByTestId('open-button').click()
  await expect(page.getByTestId('video-info')).toBeVisible()
  await page.getByTestId('model-select').selectOption('clip-vit-b16')
  await page.getByTestId('sampling-select').selectOption('every-frame')
  await page.getByTestId('analyze-button').click()
  await expect(page.getByTestId('progress')).toHaveAttribute('data-phase', 'done', { timeout: 180_000 })
  await expect(page.getByTestId('computed-on')).toContainText("clip-vit-b16: 4×4 patch tokens of 16 dims per frame")

  await page.getByTestId('query-input').fill('a red car')
  await page.getByTestId('query-input').press('Enter')
  await expect(page.getByTestId('query-status')).toContainText('relevance by')
  const row = page.getByTestId('heat-row-canvas-relevance')
  await expect.poll(async () => (await canvasPixels(row)).painted, { message: 'the relevance row is drawn' }).toBeGreaterThan(0)

  const overlay = page.getByTestId('overlay-canvas-a')
  const before = (await canvasPixels(overlay)).hash
  await page.getByTestId('heat-source-select').selectOption('relevance')
  await expectCanvasChanged(overlay, before, 'the frame overlay, showing per-patch query relevance')

  await page.getByTestId('method-select-a').selectOption('cdpruner')
  await expect(page.getByTestId('metrics-table')).toContainText('query relevance kept', { timeout: 60_000 })
  await expect(page.getByTestId('method-error-a')).toHaveCount(0)
  await page.screenshot({ path: testInfo.outputPath('query.png') })
})
