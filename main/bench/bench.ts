/**
 * `npm run bench`: speed as ratios, each measured side by side in one run (see measure.ts).
 *
 *   decode   the pipeline's decoder (ffmpeg → rgb frames in JS, batched as analysis does) vs the
 *            very same ffmpeg command writing to /dev/null                         target ≥ 0.90
 *   encode   the pipeline's encoder (worker thread, rgb frames in, tokens out) vs a bare
 *            onnxruntime loop on the same model, input and batch size               target ≥ 0.90;
 *            for the built-in model and for a generated ViT-B/16-shaped CLIP tower (random
 *            weights, main/onnx/random-vit.ts) after the pull's graph edit, with patch tokens,
 *            class token and class attention read out as from a pulled CLIP
 *   query    a text query's relevance row (frame embeddings · query) for one hour of cached
 *            tokens at 1 fps, after the text embedding                        target < 200 ms
 *   methods  each method's frames/s on synthetic 3,600 × 196 × 768 tokens, as a ratio to avg-pool
 *   sweep    a five-budget sweep of two spatial methods beside the ten single runs it replaces  target ≥ 1.00
 *   numpy    tome and divprune per core beside NumPy ports of the same algorithms   target ≥ 1
 *   long     every method on one hour of tokens streamed from the cache: first run ≤ 10 s, and a
 *            budget change ≤ 200 ms where the method's budget-independent work is kept
 *   memory   peak resident memory of a run on 10 min and on 3 h of tokens            target ≤ 1.2×
 *   ui       timeline redraw, token-map delivery and compare-view frame switches in Chromium (ms; targets 16 and 50)
 *   annotations  a 10,000-keyframe project opened, edits, source-frame stepping (annotations.ts)
 *   resident peak RSS of the CLI analysing 10 minutes and 3 hours at 1 fps, and of the workbench's
 *            renderer on the 3-hour result (resident-memory.ts)                bound 1.5 GiB
 */
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sideBySide, timed, type Comparison } from './measure'
import { syntheticVideo } from './synthetic'
import { benchUi, type UiBench } from './ui'
import { benchSweep } from './sweep'
import { benchNumpy, type NumpyComparison } from './numpy'
import { benchLong, type LongRow } from './long'
import { benchMemory, type MemoryRow } from './memory'
import { benchAnnotations, type AnnotationBenchRow } from './annotations'
import { benchResidentMemory, type ResidentRow } from './resident-memory'
import { makeDemoVideo } from '../video/demo'
import { buildDecodeArgs, decodeFrames } from '../video/decode'
import { probeVideo } from '../video/probe'
import { resolveBinaries } from '../video/binaries'
import { getModel } from '../encoder/registry'
import { createEncoder, modelInputFromRgb } from '../encoder/session'
import { startEncodeWorker } from '../encoder/encoder-pool'
import { runMethodInWorker, shutdownMethodWorkers } from '../compute/run-method'
import { methods } from '../../common/compression/registry'
import { frameRelevance } from '../../common/text-relevance'
import { createRng } from '../../common/tensor/rng'
import { makeHubVision } from '../onnx/random-vit'
import { planVisionEdit } from '../onnx/graph-edit'
import { readOnnxGraph } from '../onnx/read'
import { readModelDir } from '../encoder/registry'
import { concat } from '../onnx/protobuf'
import type { Sampling } from '../../common/video'
import type { VideoTokens } from '../../common/tokens'
import type { ModelEntry } from '../encoder/manifest'

export const BENCH_SECTIONS = ['decode', 'encode', 'query', 'methods', 'sweep', 'numpy', 'long', 'memory', 'ui', 'annotations', 'resident'] as const
export type BenchSection = (typeof BENCH_SECTIONS)[number]

const benchDir = () => {
  const dir = join(tmpdir(), 'tokenscope-bench')
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A 720p clip with cuts and motion (the demo generator), made once per machine. */
async function benchClip(): Promise<string> {
  return makeDemoVideo(join(benchDir(), 'bench-720p-30s.mp4'), { seconds: 30, width: 1280, height: 720 })
}

async function benchDecode(entry: ModelEntry, log: (s: string) => void): Promise<Comparison[]> {
  const clip = await benchClip()
  const info = await probeVideo(clip)
  const ffmpeg = (await resolveBinaries()).ffmpeg.path
  const [height, width] = entry.input.size
  const frameBytes = width * height * 3
  const out: Comparison[] = []
  for (const sampling of [{ mode: 'every-frame' }, { mode: 'fps', fps: 1 }] as Sampling[]) {
    const opts = { sampling, width, height, resize: entry.input.resize }
    const args = buildDecodeArgs(clip, { ...opts, duration: info.duration })
    const label = sampling.mode === 'every-frame' ? 'every frame' : '1 fps'
    log(`decode (${label}) …`)
    out.push(
      await sideBySide(
        `decode ${info.width}×${info.height} → ${width}×${height}, ${label}`,
        'frames/s',
        {
          label: 'pipeline',
          run: () =>
            timed(async () => {
              // What analysis does with each frame: copy it into the batch buffer.
              const batch = new Uint8Array(16 * frameBytes)
              let n = 0
              for await (const f of decodeFrames(clip, opts)) batch.set(f.data, (n++ % 16) * frameBytes)
              return n
            }),
        },
        {
          label: 'ffmpeg → /dev/null',
          run: () => timed(() => runToNull(ffmpeg, args)),
        },
        3,
        '≥ 0.90',
      ),
    )
  }
  return out
}

/** Runs ffmpeg with the pipeline's arguments but output to /dev/null; returns the frames it wrote. */
function runToNull(ffmpeg: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpeg, args.map((a) => (a === 'pipe:1' ? '/dev/null' : a)).concat('-y'), { stdio: ['ignore', 'ignore', 'pipe'] })
    let frames = 0
    let tail = ''
    p.stderr.setEncoding('utf8')
    p.stderr.on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n')
      tail = lines.pop() ?? ''
      for (const l of lines) if (l.includes('showinfo') && l.includes(' n:')) frames++
    })
    p.on('error', reject)
    p.on('close', (code) => (code === 0 ? resolve(frames) : reject(new Error(`ffmpeg exited with ${code}`))))
  })
}

async function benchEncode(entry: ModelEntry, log: (s: string) => void, batches = 12): Promise<Comparison[]> {
  const clip = await benchClip()
  const [height, width] = entry.input.size
  const frameBytes = width * height * 3
  const batchSize = entry.batchSize ?? 16
  // Real frames, decoded once: both sides encode exactly these.
  const rgb = new Uint8Array(batches * batchSize * frameBytes)
  let n = 0
  for await (const f of decodeFrames(clip, { sampling: { mode: 'count', frames: batches * batchSize }, width, height, resize: entry.input.resize })) {
    rgb.set(f.data, n++ * frameBytes)
  }
  const batchRgb = (b: number) => rgb.slice(b * batchSize * frameBytes, (b + 1) * batchSize * frameBytes)
  const worker = await startEncodeWorker(entry, { provider: 'cpu' })
  const bare = await createEncoder(entry, { provider: 'cpu' })
  const inputs = Array.from({ length: batches }, (_, b) => modelInputFromRgb(entry, batchRgb(b), batchSize))
  const pipelineRun = async () => {
    // As analysis does: rgb batches handed to the worker, up to two in flight. Each batch buffer
    // is transferred to the worker, so fresh copies are made before the clock starts.
    const buffers = Array.from({ length: batches }, (_, b) => batchRgb(b))
    return timed(async () => {
      const pending: Promise<void>[] = []
      // As analysis does once a result is in the cache: hand its arrays back for reuse.
      for (const buffer of buffers) {
        pending.push(worker.encodeRgb(buffer, batchSize).then((out) => worker.recycle(out)))
        if (pending.length >= 2) await pending.shift()
      }
      await Promise.all(pending)
      return batches * batchSize
    })
  }
  const bareRun = () =>
    timed(async () => {
      for (let b = 0; b < batches; b++) await bare.encodeInput(inputs[b], batchSize)
      return batches * batchSize
    })
  // onnxruntime runs its first ~25 inferences in a process about 2.5× slower: warm both sides up.
  log(`encode (${entry.id}, batch ${batchSize}, ${worker.provider}): warming up …`)
  for (let i = 0; i < 3; i++) {
    await pipelineRun()
    await bareRun()
  }
  log(`encode (${entry.id}, batch ${batchSize}, ${worker.provider}) …`)
  try {
    return [
      await sideBySide(
        `encode ${entry.id}, batch ${batchSize} (${worker.provider})`,
        'frames/s',
        { label: 'pipeline (worker, rgb in)', run: pipelineRun },
        { label: 'bare onnxruntime loop', run: bareRun },
        7,
        '≥ 0.90',
      ),
    ]
  } finally {
    await worker.close()
    await bare.release()
  }
}

/**
 * A generated ViT-B/16-shaped CLIP vision tower (224 px, 14 × 14 patches, 768-d, 12 heads, one
 * block, random weights) as `models pull` installs a CLIP: the graph edit appended, and a manifest
 * that reads patch tokens, class token and class attention.
 */
function generatedVit(): Promise<ModelEntry> {
  const dir = join(benchDir(), 'generated-vit-b16')
  mkdirSync(dir, { recursive: true })
  const hub = makeHubVision({ imageSize: 224, patch: 16, dim: 768, heads: 12, layers: 1, projDim: 512 })
  const edit = planVisionEdit(readOnnxGraph(hub.bytes), { pooledOutput: 'image_embeds', attention: { heads: 12, tokens: hub.tokens } })
  writeFileSync(join(dir, 'model.onnx'), concat([hub.bytes, edit.appendix]))
  const manifest = {
    id: 'generated-vit-b16',
    name: 'Generated ViT-B/16-shaped CLIP tower (random weights, bench only)',
    description: 'Random weights: measures encoding cost, means nothing.',
    licence: 'MIT',
    source: 'main/onnx/random-vit.ts',
    files: { vision: 'model.onnx' },
    input: { size: [224, 224], mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711], layout: 'NCHW', resize: 'center-crop', inputName: 'pixel_values' },
    patchSize: 16,
    grid: { h: 14, w: 14 },
    dim: 768,
    outputs: {
      patchTokens: { name: 'last_hidden_state', dropLeading: 1 },
      classToken: { name: 'last_hidden_state', index: 0 },
      importance: { name: 'attentions', kind: 'cls-attention', fromAttention: { dropLeading: 1 } },
    },
    batchSize: 16,
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1))
  return readModelDir(dir, 'user')
}

/** The relevance row of a query over one hour at 1 fps (3,600 frames, 512-d CLIP frame embeddings). */
function benchQuery(log: (s: string) => void): UiRowLike {
  log('query: relevance row for 3,600 frames …')
  const rand = createRng(5)
  const frames = 3600
  const frameEmbeds = Array.from({ length: frames }, () => Float32Array.from({ length: 512 }, () => rand() - 0.5))
  // Only the frame embeddings take part: the tokens are not read.
  const video: VideoTokens = { modelId: 'synthetic', grid: { h: 14, w: 14 }, dim: 768, pts: Float64Array.from({ length: frames }, (_, t) => t), tokens: [], embedDim: 512, frameEmbeds }
  const q = Float32Array.from({ length: 512 }, () => rand() - 0.5)
  const times: number[] = []
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now()
    frameRelevance(video, q)
    times.push(performance.now() - t0)
  }
  const sorted = times.slice(1).sort((a, b) => a - b)
  return { name: 'query → relevance row, 1 h at 1 fps (3,600 frames)', medianMs: sorted[sorted.length >> 1], p95Ms: sorted[Math.floor(sorted.length * 0.95)], targetMs: 200 }
}

type UiRowLike = UiBench['rows'][number]

async function benchMethods(frames: number, log: (s: string) => void): Promise<Comparison[]> {
  log(`methods: generating ${frames} synthetic frames × 196 tokens × 768 dims …`)
  const video = syntheticVideo(frames)
  const runOnce = (id: string) => () =>
    timed(async () => {
      await runMethodInWorker(video, id, { ratio: 0.1 }, {}, { seed: 0 })
      return frames
    })
  const out: Comparison[] = []
  try {
    for (const m of methods) {
      if (m.needs.textQuery) continue
      log(`  ${m.id} …`)
      out.push(await sideBySide(`${m.id}`, 'frames/s', { label: m.id, run: runOnce(m.id) }, { label: 'avg-pool', run: runOnce('avg-pool') }, 1))
    }
  } finally {
    await shutdownMethodWorkers()
  }
  return out
}

export interface BenchResults {
  pipeline: Comparison[]
  methods: Comparison[]
  sweep?: Comparison
  /** Query relevance timings (ms, with their targets). */
  query: UiRowLike[]
  numpy?: NumpyComparison[]
  long?: LongRow[]
  memory?: MemoryRow[]
  ui?: UiBench
  annotations?: AnnotationBenchRow[]
  resident?: ResidentRow[]
}

/** Runs the `only` sections (methods on `frames` synthetic frames; `long` on `methodIds`, default all); the results are also saved as JSON in `file`. */
export async function runBench(only: readonly BenchSection[], frames: number, log: (s: string) => void, methodIds?: string[]): Promise<{ results: BenchResults; file: string }> {
  const entry = await getModel('tokenscope-dct16')
  const results: BenchResults = { pipeline: [], methods: [], query: [] }
  if (only.includes('decode')) results.pipeline.push(...(await benchDecode(entry, log)))
  if (only.includes('encode')) {
    results.pipeline.push(...(await benchEncode(entry, log)))
    // A ViT-B/16-shaped model is ~50× the built-in's work per frame: fewer batches per run.
    results.pipeline.push(...(await benchEncode(await generatedVit(), log, 3)))
  }
  if (only.includes('query')) results.query.push(benchQuery(log))
  if (only.includes('methods')) results.methods = await benchMethods(frames, log)
  if (only.includes('sweep')) {
    try {
      results.sweep = await benchSweep(benchDir(), frames, log)
    } finally {
      await shutdownMethodWorkers()
    }
  }
  if (only.includes('numpy')) results.numpy = await benchNumpy(benchDir(), log)
  if (only.includes('long')) results.long = await benchLong(benchDir(), log, frames, methodIds)
  if (only.includes('memory')) results.memory = benchMemory(benchDir(), log)
  if (only.includes('ui')) {
    log('ui: timeline redraw and token-map delivery in Chromium …')
    results.ui = await benchUi()
  }
  if (only.includes('annotations')) results.annotations = await benchAnnotations(benchDir(), log)
  if (only.includes('resident')) results.resident = await benchResidentMemory(benchDir(), log)
  const file = join(benchDir(), `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(results, null, 1))
  return { results, file }
}
