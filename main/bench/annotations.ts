/**
 * The annotation benchmark (`npm run bench -- --only annotations`), on the main side:
 *
 *   open     a project file of 10,000 keyframes and 1,000 segments opened by the store (read,
 *            parse, every field checked); the window's side (the project arriving and its row
 *            drawn) is in the UI section                                          target < 100 ms
 *   edit     one edit in the store: applied, and the project serialised for saving (the main
 *            thread's part; writing and fsync run off it, in libuv's pool)        target < 5 ms
 *   disk     an edit until it is on disk (context for the one-second promise)
 *   step     stepping 100 source frames forward through a 1080p H.264 file with a 250-frame GOP,
 *            median per step, beside ffmpeg decoding the same frames in one pass (per frame)
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { syntheticAnnotations } from '../../common/bench/synthetic-annotations'
import { writeFileDurable } from '../projects/durable-write'
import { openProjectStore } from '../projects/project-store'
import { createProjectSerializer } from '../projects/serialize'
import { createFrameStepper } from '../video/frame-stepper'
import { resolveBinaries } from '../video/binaries'
import { run } from '../video/run'
import { median } from './measure'

export interface AnnotationBenchRow {
  name: string
  medianMs: number
  p95Ms: number
  /** The baseline's time for the same work, when the figure is a ratio. */
  baselineMs?: number
  ratio?: number
  targetMs?: number
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * (xs.length - 1) + 0.5))]
const row = (name: string, samples: number[], extra: Partial<AnnotationBenchRow> = {}): AnnotationBenchRow => ({ name, medianMs: median(samples), p95Ms: p95(samples), ...extra })

/** 12 s of 1080p at 25 fps with one keyframe every 250 frames, made once per machine. */
async function gopClip(dir: string): Promise<string> {
  const out = join(dir, 'bench-1080p-gop250.mp4')
  if (existsSync(out)) return out
  const { ffmpeg } = await resolveBinaries()
  const tmp = `${out}.tmp.mp4`
  const res = await run(ffmpeg.path, ['-hide_banner', '-nostdin', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=25:d=12', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '250', '-keyint_min', '250', '-sc_threshold', '0', tmp])
  if (res.code !== 0) throw new Error(`could not make the 1080p bench clip: ${res.stderr.slice(-300)}`)
  await import('node:fs/promises').then((fs) => fs.rename(tmp, out))
  return out
}

/** ffmpeg decoding frames [first, first + count) in one pass, scaled and converted as the stepper does, to /dev/null. */
function ffmpegOnePass(ffmpeg: string, clip: string, seek: number, count: number, width: number, height: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const p = spawn(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-ss', seek.toFixed(6), '-copyts', '-i', clip, '-map', '0:v:0', '-frames:v', String(count), '-vf', `scale=${width}:${height},format=rgba`, '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-y', '/dev/null'], { stdio: 'ignore' })
    p.on('error', reject)
    p.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`ffmpeg exited with ${code}`))))
  })
}

export async function benchAnnotations(dir: string, log: (s: string) => void): Promise<AnnotationBenchRow[]> {
  const rows: AnnotationBenchRow[] = []
  const project = syntheticAnnotations()
  const file = join(dir, 'bench-project.tokenscope.json')
  await writeFileDurable(file, createProjectSerializer()(project))

  log('annotations: opening a 10,000-keyframe project …')
  const opens: number[] = []
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now()
    const store = await openProjectStore({ file, initial: project })
    opens.push(performance.now() - t0)
    await store.close()
  }
  rows.push(row('project file of 10,000 keyframes + 1,000 segments opened (read, parse, check)', opens, { targetMs: 100 }))

  log('annotations: edits in the store …')
  const store = await openProjectStore({ file, initial: project })
  const serialize = createProjectSerializer()
  serialize(store.project) // as the store's own serializer is after its first save
  const edits: number[] = []
  const onDisk: number[] = []
  const setId = project.sets[0].id
  for (let e = 0; e < 60; e++) {
    const t0 = performance.now()
    store.apply({ type: 'update-keyframe', setId, id: `k${e * 97}`, fields: { note: `bench ${e}` } })
    serialize(store.project)
    edits.push(performance.now() - t0)
    await store.flush()
    onDisk.push(performance.now() - t0)
  }
  await store.close()
  rows.push(row('one edit on the main thread (apply + serialise for saving)', edits, { targetMs: 5 }))
  rows.push(row('one edit until it is on disk (write, fsync, rename, fsync folder)', onDisk))

  const clip = await gopClip(dir)
  const { ffmpeg } = await resolveBinaries()
  const first = 20
  // Full size, and the width the frame view asks for on a ~1000 px wide view.
  for (const [width, height] of [[1920, 1080], [960, 540]]) {
    log(`annotations: stepping 100 source frames through 1080p H.264, GOP 250, shown ${width}×${height} …`)
    const steps: number[] = []
    const passes: number[] = []
    for (let round = 0; round < 2; round++) {
      const stepper = createFrameStepper()
      try {
        const table = await stepper.table(clip)
        await stepper.frame(clip, first, width) // the decoder starts at the keyframe before (not timed)
        for (let i = first + 1; i <= first + 100; i++) {
          const t0 = performance.now()
          const f = await stepper.frame(clip, i, width)
          steps.push(performance.now() - t0)
          if (f.index !== i) throw new Error(`stepping gave frame ${f.index} for ${i}`)
        }
        const seek = table.pts[first] - (table.pts[first] - table.pts[first - 1]) / 2
        passes.push((await ffmpegOnePass(ffmpeg.path, clip, seek, 101, width, height)) / 101)
      } finally {
        stepper.close()
      }
    }
    rows.push(row(`step one source frame forward, 1080p H.264, GOP 250, shown ${width}×${height} (per step)`, steps, { baselineMs: median(passes), ratio: median(steps) / median(passes) }))
  }
  return rows
}
