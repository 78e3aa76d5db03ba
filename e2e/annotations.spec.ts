/// <reference lib="dom" />
/**
 * Hand annotation in browser mode: keyframes and a segment by keyboard alone, still there after a
 * reload; an edit survives kill -9 of the host; export in every format and import back equal; two
 * tabs on one project keep both tabs' edits; a damaged project file is reported and kept.
 * Screenshots of the annotation rows and the side list land in the test's output folder.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, startHostProcess, test } from './fixtures'
import type { AnnotationProject, AnnotationSet } from '../common/annotations/model'
import { FORMAT_IDS } from '../common/annotations/formats'
import { KEYMAP } from '../renderer/src/keys/keymap'

interface AnnotationState {
  file: string
  problem: { message: string } | null
  pending: number
  project: AnnotationProject
  selected: { kind: string; id: string } | null
  currentSet: string | null
}

const state = (page: Page) => page.evaluate(() => (window.__tokenscope_debug as unknown as { annotations: unknown }).annotations) as Promise<AnnotationState | null>
const sourceFrame = (page: Page) => page.evaluate(() => (window.__tokenscope_debug as unknown as { sourceFrame: unknown }).sourceFrame) as Promise<{ index: number; pts: number; count: number } | null>

/** Opens a video by its path and waits for its (empty or saved) project. */
async function openVideo(page: Page, path: string) {
  await page.getByTestId('open-path-input').fill(path)
  await page.getByTestId('open-button').click()
  await expect.poll(async () => (await state(page))?.project.video.path).toBe(path)
  // With nothing analysed, the first source frame is shown as soon as the frame table is in.
  await expect.poll(async () => (await sourceFrame(page))?.index).toBe(0)
  // Keys go to the window, not to the path field.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
}

/** Presses `key` and waits until the source frame shown is `index`. */
async function stepTo(page: Page, key: string, index: number) {
  await page.keyboard.press(key)
  await expect.poll(async () => (await sourceFrame(page))?.index).toBe(index)
}

/** Everything the store has confirmed (nothing pending). */
const settled = (page: Page) => expect.poll(async () => (await state(page))?.pending, { message: 'every edit confirmed by the store' }).toBe(0)

const currentSet = async (page: Page): Promise<AnnotationSet> => {
  const s = (await state(page))!
  return s.project.sets.find((x) => x.name === s.currentSet)!
}

test.describe('hand annotation', () => {
  test('five keyframes and a segment by keyboard alone; reload; undo and redo; every key in the help', async ({ app, clip }, testInfo) => {
    await openVideo(app, clip)
    // `.` steps one source frame at a time from frame 0; Shift+. hops 10 frames.
    await stepTo(app, '.', 1)
    await stepTo(app, '.', 2)
    await app.keyboard.press('k')
    await stepTo(app, 'Shift+Period', 12)
    await app.keyboard.press('k')
    await stepTo(app, 'Shift+Period', 22)
    await app.keyboard.press('k')
    await stepTo(app, ',', 21)
    await stepTo(app, ',', 20)
    await app.keyboard.press('k')
    for (const i of [21, 22, 23, 24, 25]) await stepTo(app, '.', i)
    await app.keyboard.press('k')
    await app.keyboard.press('1') // the first palette label on the keyframe just made
    // A segment from frame 25 to 29.
    await app.keyboard.press('i')
    for (const i of [26, 27, 28, 29]) await stepTo(app, '.', i)
    await app.keyboard.press('o')
    await app.keyboard.press('2')
    await app.keyboard.press('n')
    await expect(app.locator('[data-testid="annotation-note"]:focus')).toHaveCount(1)
    await app.keyboard.type('shot ends here')
    await app.keyboard.press('Enter')
    await settled(app)

    const frameTable = await app.evaluate(async (path) => {
      const api = window.__tokenscope_debug!.api as unknown as { invoke(c: string, p: unknown): Promise<{ pts: Float64Array }> }
      return Array.from((await api.invoke('video:frame-table', { path })).pts)
    }, clip)
    const made = await currentSet(app)
    expect(made.keyframes.map((k) => k.sourceFrame)).toEqual([2, 12, 20, 22, 25])
    // Exact decoded timestamps of those frames, not index / fps.
    expect(made.keyframes.map((k) => k.pts)).toEqual([2, 12, 20, 22, 25].map((i) => frameTable[i]))
    expect(made.keyframes.map((k) => k.label)).toEqual(['', '', '', '', made.palette[0]])
    expect(made.segments).toEqual([{ id: made.segments[0].id, inPts: frameTable[25], outPts: frameTable[29], label: made.palette[1], note: 'shot ends here' }])

    await app.getByTestId('annotation-rows').screenshot({ path: testInfo.outputPath('annotation-rows.png') })
    await app.getByTestId('annotation-panel').screenshot({ path: testInfo.outputPath('annotation-list.png') })
    await app.screenshot({ path: testInfo.outputPath('annotating.png') })

    // [ and ] walk the annotations; Delete, then undo and redo.
    await app.keyboard.press('[')
    await expect.poll(async () => (await sourceFrame(app))?.index).toBe(25)
    await app.keyboard.press('[')
    await expect.poll(async () => (await sourceFrame(app))?.index).toBe(22)
    await expect.poll(async () => (await state(app))?.selected?.kind).toBe('keyframe')
    await app.keyboard.press('Delete')
    await expect.poll(async () => (await currentSet(app)).keyframes.length).toBe(4)
    await app.keyboard.press('Control+z')
    await expect.poll(async () => (await currentSet(app)).keyframes.map((k) => k.sourceFrame)).toEqual([2, 12, 20, 22, 25])
    await app.keyboard.press('Control+Shift+Z')
    await expect.poll(async () => (await currentSet(app)).keyframes.length).toBe(4)
    await app.keyboard.press('Control+z')
    await settled(app)

    // After a reload the page gets the project from the host's file.
    await app.reload()
    await openVideo(app, clip)
    const reloaded = await currentSet(app)
    expect({ ...reloaded, id: undefined }).toEqual({ ...made, id: undefined })
    await expect(app.getByTestId('annotation-item')).toHaveCount(6)

    // ? lists every key of the key table; Esc closes it.
    await app.keyboard.press('Shift+Slash')
    await expect(app.getByTestId('help-overlay')).toBeVisible()
    await expect(app.getByTestId('help-key')).toHaveCount(KEYMAP.length)
    await app.screenshot({ path: testInfo.outputPath('help-overlay.png') })
    await app.keyboard.press('Escape')
    await expect(app.getByTestId('help-overlay')).toBeHidden()
  })

  test('export in every format and import back: equal in what each format holds', async ({ app, clip }) => {
    await openVideo(app, clip)
    for (const [key, index] of [['Shift+Period', 10], ['.', 11], ['Shift+Period', 21]] as const) {
      await stepTo(app, key, index)
      await app.keyboard.press('k')
    }
    await app.keyboard.press('i')
    await stepTo(app, '.', 22)
    await stepTo(app, '.', 23)
    await app.keyboard.press('o')
    await app.getByTestId('annotation-question').fill('When does the picture change?')
    await app.getByTestId('annotation-question').press('Enter')
    await app.getByTestId('annotation-annotator').fill('e2e')
    await app.getByTestId('annotation-annotator').press('Tab')
    await settled(app)
    const original = await currentSet(app)
    expect(original.keyframes.length).toBeGreaterThanOrEqual(3)

    const held: Record<string, (s: AnnotationSet) => unknown> = {
      json: (s) => ({ ...s, id: undefined, name: undefined }),
      csv: (s) => ({ ...s, id: undefined, name: undefined, palette: undefined, keyframes: s.keyframes, segments: s.segments }),
      lvhaystack: (s) => [s.question, s.annotator, s.keyframes.map((k) => [k.sourceFrame, k.pts])],
      qvhighlights: (s) => [s.question, s.annotator, s.segments.map((x) => [x.inPts, x.outPts])],
    }
    await app.locator('details.more summary').click()
    const dir = mkdtempSync(join(tmpdir(), 'ts-e2e-export-'))
    for (const format of FORMAT_IDS) {
      await app.getByTestId('annotation-set-select').selectOption(original.id)
      await app.getByTestId('annotation-export-format').selectOption(format)
      const download = app.waitForEvent('download')
      await app.getByTestId('annotation-export').click()
      const file = join(dir, (await download).suggestedFilename())
      await (await download).saveAs(file)
      await app.getByTestId('annotation-import-into').fill(`back ${format}`)
      await app.getByTestId('annotation-import-file').setInputFiles(file)
      await expect.poll(async () => (await state(app))!.project.sets.some((s) => s.name === `back ${format}`), { message: `imported the ${format} export` }).toBe(true)
      const back = (await state(app))!.project.sets.find((s) => s.name === `back ${format}`)!
      expect(held[format](back), format).toEqual(held[format](original))
    }
    await settled(app)
  })

  test('two tabs on one project: both edits kept, in both tabs and in the file', async ({ app, clip, context, host }) => {
    await openVideo(app, clip)
    const other = await context.newPage()
    await other.goto(host.url)
    await openVideo(other, clip)
    await stepTo(app, '.', 1)
    for (let i = 1; i <= 7; i++) await stepTo(other, '.', i)
    // Both add at (nearly) the same moment.
    await Promise.all([app.keyboard.press('k'), other.keyboard.press('k')])
    for (const page of [app, other]) {
      await settled(page)
      await expect.poll(async () => (await currentSet(page)).keyframes.map((k) => k.sourceFrame).filter((f) => f === 1 || f === 7)).toEqual([1, 7])
    }
    const file = (await state(app))!.file
    await expect.poll(() => (JSON.parse(readFileSync(file, 'utf8')) as AnnotationProject).sets.flatMap((s) => s.keyframes.map((k) => k.sourceFrame)).filter((f) => f === 1 || f === 7)).toEqual([1, 7])
    await other.close()
  })
})

test('kill -9 of the host a second after an edit: after a restart the edit is there', async ({ page, clip, hub }, testInfo) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ts-e2e-kill-cache-'))
  const dataDir = mkdtempSync(join(tmpdir(), 'ts-e2e-kill-data-'))
  let host = await startHostProcess(cacheDir, dataDir, hub.url)
  try {
    await page.goto(host.url)
    await openVideo(page, clip)
    await stepTo(page, '.', 1)
    await page.keyboard.press('k')
    await stepTo(page, '.', 2)
    await page.keyboard.press('k')
    await settled(page)
    const file = (await state(page))!.file
    // The store says it has the edits; the app promises the disk within a second.
    await page.waitForTimeout(1000)
    // And one more edit killed at once: it may be lost, but the file must stay whole.
    await stepTo(page, '.', 3)
    await page.keyboard.press('k')
    host.child.kill('SIGKILL')
    await new Promise((r) => host.child.once('exit', r))
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as AnnotationProject
    expect(onDisk.sets[0].keyframes.map((k) => k.sourceFrame).slice(0, 2)).toEqual([1, 2])
    expect(readdirSync(join(dataDir, 'projects')).filter((n) => n.endsWith('.tmp'))).toEqual([])

    host = await startHostProcess(cacheDir, dataDir, hub.url)
    await page.goto(host.url)
    await openVideo(page, clip)
    expect((await currentSet(page)).keyframes.map((k) => k.sourceFrame).slice(0, 2)).toEqual([1, 2])

    // A damaged file: reported with its name, kept byte for byte, the last good state offered.
    host.child.kill('SIGKILL')
    await new Promise((r) => host.child.once('exit', r))
    const damaged = readFileSync(file, 'utf8').slice(0, 200)
    writeFileSync(file, damaged)
    host = await startHostProcess(cacheDir, dataDir, hub.url)
    await page.goto(host.url)
    await page.getByTestId('open-path-input').fill(clip)
    await page.getByTestId('open-button').click()
    await expect(page.getByTestId('annotation-problem')).toContainText(file)
    await expect(page.getByTestId('annotation-problem')).toContainText('not valid JSON')
    await page.getByTestId('annotation-panel').screenshot({ path: testInfo.outputPath('damaged-project.png') })
    expect(readFileSync(file, 'utf8')).toBe(damaged)
    // The last good state (the backup taken when the project was last opened) is shown and, once recovered, saved.
    expect((await currentSet(page)).keyframes.map((k) => k.sourceFrame).slice(0, 2)).toEqual([1, 2])
    await page.getByTestId('annotation-recover').click()
    await expect(page.getByTestId('annotation-problem')).toBeHidden()
    expect((JSON.parse(readFileSync(file, 'utf8')) as AnnotationProject).sets[0].keyframes.map((k) => k.sourceFrame).slice(0, 2)).toEqual([1, 2])
    expect(readdirSync(join(dataDir, 'projects')).some((n) => n.includes('.damaged-'))).toBe(true)
  } finally {
    host.child.kill('SIGKILL')
  }
})
