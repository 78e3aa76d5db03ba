/**
 * `npm run bench -- --only resident`: resident memory of the whole pipeline on long videos (the
 * `memory` section measures method runs on cached tokens alone).
 *
 *   analysis   the CLI analysing a generated video at 1 fps in a child process; its peak RSS
 *              (process.resourceUsage().maxRSS: the main thread and its workers) against 1.5 GiB,
 *              and ffmpeg's peak beside it (a process of its own, sampled from /proc); a 10-minute
 *              and a long video, TOKENSCOPE_BENCH_LONG_MINUTES long (default 180: three hours)
 *   workbench  the browser-mode workbench in Chromium opened on the long video's result (the
 *              analysis answered from the cache): the renderer processes' peak RSS (VmHWM) and the
 *              page's JS heap, against the same bound
 *
 * The videos are lavfi testsrc2 at 160×90 and 5 fps in H.264 (ultrafast): about 20 s to make three
 * hours. Decoding and scaling work per frame does not change what is kept in memory per frame
 * (tokens are per sampled frame), so a small source measures the bound as a large one would.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { appRoot, rendererDir } from '../app/paths'
import { createAppServices } from '../app/services'
import { startHost } from '../host/server'
import { chromiumArgs, chromiumPath } from '../launch/chromium'
import { resolveBinaries } from '../video/binaries'
import { run } from '../video/run'
import { BenchSetupError } from './ui'

export const RESIDENT_BOUND_MIB = 1536

export interface ResidentRow {
  name: string
  /** Sampled frames (analysis rows). */
  frames?: number
  seconds: number
  peakRssMiB: number
  /** ffmpeg's peak (analysis) or the page's JS heap (workbench), for context. */
  besideMiB?: number
  beside?: string
  boundMiB: number
}

const MIB = 1024 * 1024

/** A testsrc2 video `minutes` long, made once in `dir`. */
async function longVideo(dir: string, minutes: number, log: (s: string) => void): Promise<string> {
  const file = join(dir, `resident-${minutes}min-160x90-5fps.mp4`)
  if (existsSync(file)) return file
  log(`resident: generating a ${minutes}-minute video …`)
  const { ffmpeg } = await resolveBinaries()
  const tmp = `${file}.partial.mp4`
  const r = await run(ffmpeg.path, ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=160x90:r=5:d=${minutes * 60}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', tmp])
  if (r.code !== 0) throw new BenchSetupError(`ffmpeg could not make the resident-memory bench video: ${r.stderr.trim().split('\n').pop()}`)
  renameSync(tmp, file)
  return file
}

/** Peak VmHWM (MiB) of `pid`'s child processes, sampled until `done` settles. */
function childPeak(pid: number, done: Promise<unknown>): Promise<number> {
  let peak = 0
  const sample = () => {
    let children: string[] = []
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    } catch {
      return
    }
    for (const c of children) {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${c}/status`, 'utf8'))?.[1]
      if (hwm) peak = Math.max(peak, Number(hwm) / 1024)
    }
  }
  const timer = setInterval(() => {
    try {
      sample()
    } catch {
      // the child exited between listing and reading
    }
  }, 250)
  return done.then(() => {
    clearInterval(timer)
    return peak
  })
}

/** `tokenscope analyze <video> --fps 1` in a child process, with its own peak RSS printed at exit. */
async function analyseMeasured(video: string, cacheDir: string, name: string): Promise<ResidentRow> {
  const cli = join(appRoot(), 'out', 'main', 'cli.js')
  // A file rather than `node -e`: worker threads inherit the parent's flags, and --input-type breaks theirs.
  const wrapper = join(cacheDir, 'measure-analysis.mjs')
  writeFileSync(
    wrapper,
    `const { main } = await import(${JSON.stringify(pathToFileURL(cli).href)})
const code = await main(${JSON.stringify(['analyze', video, '--fps', '1', '--cache', cacheDir, '--json'])})
process.stderr.write('\\nMEMORY ' + JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }) + '\\n')
process.exit(code ?? 0)
`,
  )
  const t0 = performance.now()
  const child = spawn(process.execPath, [wrapper], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((ok) => child.on('exit', ok))
  const ffmpegPeak = childPeak(child.pid!, exited)
  const code = await exited
  const measured = /MEMORY (\{.*\})/.exec(stderr)?.[1]
  if (code !== 0 || !measured) throw new Error(`analysis for the resident-memory bench failed (${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)
  return {
    name,
    frames: JSON.parse(stdout).frames,
    seconds: (performance.now() - t0) / 1000,
    peakRssMiB: JSON.parse(measured).maxRssKiB / 1024,
    besideMiB: await ffmpegPeak,
    beside: 'ffmpeg peak',
    boundMiB: RESIDENT_BOUND_MIB,
  }
}

/** The workbench in Chromium on `video`'s 1 fps result (already in `cacheDir`): renderer peak RSS and JS heap. */
async function workbenchMeasured(video: string, cacheDir: string, minutes: number): Promise<ResidentRow> {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs }).catch((e: Error) => {
    throw new BenchSetupError(`the workbench resident-memory bench needs Chromium: install it (Debian: apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_PATH (${e.message.split('\n')[0]})`)
  })
  const dataDir = mkdtempSync(join(cacheDir, 'data-'))
  const previousData = process.env.TOKENSCOPE_DATA_DIR
  process.env.TOKENSCOPE_DATA_DIR = dataDir
  const services = createAppServices({ shell: 'browser', cacheDir })
  const host = await startHost({ services, rendererDir: rendererDir() })
  const t0 = performance.now()
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await page.goto(host.url)
    await page.getByTestId('open-path-input').fill(video)
    await page.getByTestId('open-button').click()
    await page.getByTestId('model-select').locator('option[value="tokenscope-dct16"]').waitFor({ state: 'attached', timeout: 120_000 })
    await page.getByTestId('model-select').selectOption('tokenscope-dct16')
    await page.getByTestId('sampling-select').selectOption('fps')
    await page.getByTestId('sampling-fps').fill('1')
    await page.getByTestId('analyze-button').click()
    await page.getByTestId('progress').and(page.locator('[data-phase="done"]')).waitFor({ timeout: 600_000 })
    // Let the timeline draw and the signals arrive.
    await page.waitForTimeout(3000)
    const cdp = await browser.newBrowserCDPSession()
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] }
    const peak = processInfo
      .filter((p) => p.type === 'renderer')
      .map((p) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.id}/status`, 'utf8'))?.[1] ?? 0) / 1024)
    const pageCdp = await page.context().newCDPSession(page)
    await pageCdp.send('Performance.enable')
    const { metrics } = (await pageCdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
    const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0
    return { name: `workbench on the ${minutes}-minute result (renderer)`, seconds: (performance.now() - t0) / 1000, peakRssMiB: Math.max(0, ...peak), besideMiB: used / MIB, beside: 'JS heap used', boundMiB: RESIDENT_BOUND_MIB }
  } finally {
    await browser.close()
    await host.close()
    await services.close()
    if (previousData === undefined) delete process.env.TOKENSCOPE_DATA_DIR
    else process.env.TOKENSCOPE_DATA_DIR = previousData
    rmSync(dataDir, { recursive: true, force: true })
  }
}

export async function benchResidentMemory(dir: string, log: (s: string) => void): Promise<ResidentRow[]> {
  const longMinutes = Number(process.env.TOKENSCOPE_BENCH_LONG_MINUTES) > 0 ? Number(process.env.TOKENSCOPE_BENCH_LONG_MINUTES) : 180
  const cacheDir = mkdtempSync(join(dir, 'resident-cache-'))
  try {
    const rows: ResidentRow[] = []
    for (const minutes of [10, longMinutes]) {
      const video = await longVideo(dir, minutes, log)
      log(`resident: analysing the ${minutes}-minute video at 1 fps …`)
      rows.push(await analyseMeasured(video, cacheDir, `analysis of ${minutes} min at 1 fps (CLI process)`))
    }
    log('resident: the workbench on the long result …')
    rows.push(await workbenchMeasured(await longVideo(dir, longMinutes, log), cacheDir, longMinutes))
    return rows
  } finally {
    rmSync(cacheDir, { recursive: true, force: true })
  }
}
