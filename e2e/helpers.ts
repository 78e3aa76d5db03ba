/// <reference lib="dom" />
/** Steps the browser-mode e2e specs share: calls through the page's API client, its debug hook, opening and analysing a clip. */
import type { Page } from '@playwright/test'
import { expect } from './fixtures'

export const MODEL = 'tokenscope-dct16'

/** Calls the service through the page's own API client (the debug hook of renderer/src/api). */
export async function invoke<T>(page: Page, channel: string, payload: unknown): Promise<T> {
  return page.evaluate(
    async ([c, p]) => {
      const api = window.__tokenscope_debug!.api as unknown as { invoke(c: string, p: unknown): Promise<unknown> }
      const r = (await api.invoke(c, p)) as Record<string, unknown>
      // Typed arrays do not cross page.evaluate: hand them over as plain arrays.
      return JSON.parse(JSON.stringify(r, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)))
    },
    [channel, payload] as const,
  ) as Promise<T>
}

export const lastResponse = <T>(page: Page, channel: string) =>
  page.evaluate((c) => {
    const r = (window.__tokenscope_debug?.last as Record<string, unknown> | undefined)?.[c] as Record<string, unknown> | undefined
    return r === undefined ? null : JSON.parse(JSON.stringify(r, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)))
  }, channel) as Promise<T | null>

/** A value of the page's debug hook (renderer/src/debug.ts). */
export const debugValue = (page: Page, key: string) => page.evaluate((k) => (window.__tokenscope_debug as unknown as Record<string, unknown>)[k], key)

export interface SlotState {
  id: string
  budget: { ratio: number } | { tokens: number }
  running: boolean
  frames: number | null
  /** The result shown answers the method and budget chosen now. */
  current: boolean
}
export const slotStates = async (page: Page) => (await debugValue(page, 'methods')) as Record<'a' | 'b', SlotState>

/**
 * Waits until both method slots show results for the method and budget chosen now, and the page
 * has drawn them (heat rows and overlay redraw in the animation frame after a result lands).
 */
export async function resultsSettled(page: Page) {
  await expect
    .poll(async () => Object.values(await slotStates(page)).every((s) => s.current), { message: 'both slots show results for the current budget', timeout: 60_000 })
    .toBe(true)
  await page.evaluate(() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn))))
}

export async function selectOptionOrFirst(page: Page, testId: string, wanted: string, fallbackIndex: number): Promise<string> {
  const select = page.getByTestId(testId)
  await expect(select.locator('option').nth(fallbackIndex)).toBeAttached()
  const values = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean))
  const value = values.includes(wanted) ? wanted : values[fallbackIndex]
  await select.selectOption(value)
  return value
}

export async function openAndAnalyze(page: Page, clip: string) {
  await page.getByTestId('open-path-input').fill(clip)
  await page.getByTestId('open-button').click()
  const option = page.getByTestId('model-select').locator(`option[value="${MODEL}"]`)
  await expect(option).toBeAttached()
  await expect(option, `the built-in model ${MODEL} must be usable (the page shows why not)`).toBeEnabled()
  await page.getByTestId('model-select').selectOption(MODEL)
  // Every frame of the 8 fps clip: 32 frames, several per scene.
  await page.getByTestId('sampling-select').selectOption('every-frame')
  await page.getByTestId('analyze-button').click()
  await expect(page.getByTestId('progress')).toHaveAttribute('data-phase', 'done', { timeout: 180_000 })
  const session = await lastResponse<{ videoKey: string; info: { path: string } }>(page, 'analysis:start')
  expect(session?.info.path).toBe(clip)
  return session!
}
