/**
 * onnxruntime-node sessions for a model entry: pick an execution provider, check the model against
 * its manifest once, then turn raw outputs into patch tokens / class token / importance.
 *
 * Note: onnxruntime-node's session creation and run() are synchronous native calls on the calling
 * thread (run() only defers by setImmediate), so heavy use belongs in a worker (encoder-pool.ts).
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { createBuilder, graph, model, value } from '../onnx/graph'
import { type InputLayout, type ModelEntry, ModelError } from './manifest'
import { type ModelInput, modelInputShape } from './preprocess'
import { EXECUTION_PROVIDERS, type ExecutionProvider, type ProviderChoice } from '../../common/providers'

// Building a model's input from rgb frames is part of this module's API (see modelInputTensor).
export { type ModelInput, modelInputFromRgb } from './preprocess'

export interface EncoderOptions {
  /** 'auto' (default) tries EXECUTION_PROVIDERS in order (CUDA, WebGPU, CPU) and uses the first that loads the model. */
  provider?: ProviderChoice
  /** Intra-op threads (default: onnxruntime's choice, one per physical core). */
  threads?: number
  /** Overrides the batch-size hint (ignored when the model has a fixed batch dimension). */
  batchSize?: number
}

/** Encoder outputs for B frames; N = grid.h * grid.w, D = dim. */
export interface EncodedBatch {
  /** [B, N, D] */
  tokens: Float32Array
  /** [B, D] */
  cls?: Float32Array
  /** [B, N], each row non-negative and summing to 1. */
  importance?: Float32Array
  /** [B, P]: each frame's pooled embedding in the text tower's space (outputs.frameEmbeds). */
  frameEmbeds?: Float32Array
  /** [B, N, P]: each patch in the text tower's space (outputs.patchEmbeds). */
  patchEmbeds?: Float32Array
}

export interface Encoder {
  /** The execution provider actually in use. */
  provider: ExecutionProvider
  /** Frames per run that suit this model and provider (the fixed batch if the model has one). */
  batchSize: number
  /** [H, W] */
  inputSize: [number, number]
  /** What encodeInput takes (the manifest's input.layout). */
  inputLayout: InputLayout
  /**
   * The model's native input → outputs: uint8 [batch, H, W, 3] rgb24 bytes for 'NHWC-uint8' models,
   * float32 [batch, 3, H, W] normalised pixels for 'NCHW' ones (modelInputFromRgb makes either from
   * rgb frames). `input` may be longer; only the prefix is read, without copying. A TypeError if the
   * array type does not match the layout.
   */
  encodeInput(input: ModelInput, batch: number): Promise<EncodedBatch>
  /** encodeInput for 'NCHW' models: `pixels` [batch, 3, H, W] (see preprocess.ts). */
  encode(pixels: Float32Array, batch: number): Promise<EncodedBatch>
  release(): Promise<void>
}

/** The providers 'auto' would try here, in order (the first is the one that would run, model permitting). */
export async function providerOrder(): Promise<ExecutionProvider[]> {
  const usable = await Promise.all(EXECUTION_PROVIDERS.map(async (p) => (p === 'cuda' ? cudaInstalled() : p === 'webgpu' ? webgpuAvailable() : true)))
  return EXECUTION_PROVIDERS.filter((_, i) => usable[i])
}

export const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n').find((l) => l.trim()) ?? 'unknown error'

export const modelPath = (entry: ModelEntry): string => join(entry.dir, entry.files.vision)

/**
 * The onnxruntime tensor for the first `batch` frames of `input` (see Encoder.encodeInput), wrapping
 * its memory (no copy): uint8 [batch, H, W, 3] or float32 [batch, 3, H, W] by the manifest's layout.
 * With a session from `encoderSessionOptions`, `session.run({ [entry.input.inputName]: tensor })` is
 * the bare inference that Encoder.encodeInput adds only output reshaping to.
 */
export function modelInputTensor(entry: Pick<ModelEntry, 'id' | 'input'>, input: ModelInput, batch: number): ort.Tensor {
  const shape = modelInputShape(entry, batch)
  const frameSize = shape[1] * shape[2] * shape[3]
  const n = batch * frameSize
  const uint8 = entry.input.layout === 'NHWC-uint8'
  if (uint8 ? !(input instanceof Uint8Array) : !(input instanceof Float32Array))
    throw new TypeError(
      `${entry.id} takes ${uint8 ? "uint8 rgb bytes [B, H, W, 3] (layout 'NHWC-uint8')" : "float32 pixels [B, 3, H, W] (layout 'NCHW')"}, got a ${input.constructor.name}`,
    )
  if (input.length < n) throw new RangeError(`encode: ${input.length} values for ${batch} frames of ${frameSize}`)
  const data = input.length === n ? input : input.subarray(0, n)
  return uint8 ? new ort.Tensor('uint8', data as Uint8Array, shape) : new ort.Tensor('float32', data as Float32Array, shape)
}

/** The session options every encoder session uses (also for a bare comparison loop). */
export function encoderSessionOptions(provider: ExecutionProvider, opts: Pick<EncoderOptions, 'threads'> = {}): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Failed attempts at a missing GPU provider are expected; only fatal errors are worth logging then.
    logSeverityLevel: provider === 'cpu' ? 3 : 4,
  }
}

export async function createEncoder(entry: ModelEntry, opts: EncoderOptions = {}): Promise<Encoder> {
  const path = modelPath(entry)
  if (!existsSync(path)) throw new ModelError('missing-file', `${entry.id}: model file not found: ${path}`)
  const { session, provider } = await openSession(path, entry.id, opts)
  try {
    const check = checkNames(entry, session)
    const layout = await probeLayout(entry, session, check.fixedBatch)
    const [h, w] = entry.input.size
    const frameSize = 3 * h * w
    const batchSize = check.fixedBatch ?? opts.batchSize ?? entry.batchSize ?? (provider === 'cpu' ? 8 : 32)
    const encodeInput = async (input: ModelInput, batch: number): Promise<EncodedBatch> => {
      if (batch === 0) return emptyBatch(entry)
      const fixed = check.fixedBatch
      if (fixed !== undefined && batch > fixed)
        throw new ModelError('manifest-mismatch', `${entry.id}: the model takes at most ${fixed} frames per run, got ${batch}`)
      const tensor = modelInputTensor(entry, input, batch) // checks type and length first
      // A model exported with a fixed batch gets a zero-padded batch; the padding rows are cut off below.
      const runBatch = fixed ?? batch
      const feed = runBatch === batch ? tensor : modelInputTensor(entry, padded(input, batch * frameSize, runBatch * frameSize), runBatch)
      const out = await session.run({ [entry.input.inputName]: feed }, layout.fetches)
      const result = layout.read(out, runBatch)
      return runBatch === batch ? result : firstFrames(result, runBatch, batch)
    }
    return {
      provider,
      batchSize,
      inputSize: [h, w],
      inputLayout: entry.input.layout,
      encodeInput,
      encode: encodeInput,
      release: () => session.release(),
    }
  } catch (e) {
    await session.release()
    throw e
  }
}

// ---- providers ----

/** A session on the first provider (of opts.provider, or all in order for 'auto') that loads the model. */
export async function openSession(path: string, id: string, opts: EncoderOptions): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider }> {
  const wanted = opts.provider ?? 'auto'
  const candidates = wanted === 'auto' ? EXECUTION_PROVIDERS : [wanted]
  let cpuError: unknown
  const tried: string[] = []
  for (const provider of candidates) {
    if (provider === 'cuda' && !cudaInstalled()) {
      tried.push('cuda: the CUDA provider binaries are not installed (ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install)')
      continue
    }
    if (provider === 'webgpu' && !(await webgpuAvailable())) {
      tried.push('webgpu: no adapter')
      continue
    }
    try {
      const session = await ort.InferenceSession.create(path, encoderSessionOptions(provider, opts))
      return { session, provider }
    } catch (e) {
      tried.push(`${provider}: ${firstLine(e)}`)
      if (provider === 'cpu') cpuError = e
    }
  }
  // The CPU provider is always there, so its failure means the file itself is unusable.
  if (cpuError !== undefined) throw new ModelError('bad-model', `${id}: cannot load ${path}: ${firstLine(cpuError)}`)
  throw new ModelError('provider-unavailable', `${id}: provider '${wanted}' is not available here (${tried.join('; ')})`)
}

/**
 * Whether onnxruntime-node's CUDA provider library was installed next to its binding (it is an
 * optional download at npm install time). Trying it without the library only logs noise.
 */
export function cudaInstalled(): boolean {
  const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'))
  const binDir = join(ortDir, '..', 'bin', 'napi-v6', process.platform, process.arch)
  if (!existsSync(binDir)) return true // unknown layout: just try
  return readdirSync(binDir).some((f) => /onnxruntime_providers_cuda\.(so|dll)$/.test(f))
}

let webgpuProbe: Promise<boolean> | undefined

/**
 * Whether a WebGPU adapter exists. Creating a WebGPU session where there is none may fail or, with
 * some drivers, hang inside a synchronous native call that no JS timeout can interrupt; so the
 * first check runs in a child process with a time limit, and the answer is cached. On Linux a
 * machine without /dev/dri render nodes or NVIDIA devices is answered at once.
 */
export function webgpuAvailable(timeoutMs = 20_000): Promise<boolean> {
  if (!ort.listSupportedBackends().some((b) => b.name === 'webgpu')) return Promise.resolve(false)
  if (process.platform === 'linux' && !linuxHasGpuDevice()) return Promise.resolve(false)
  webgpuProbe ??= probeInChild('webgpu', timeoutMs)
  return webgpuProbe
}

function linuxHasGpuDevice(): boolean {
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : [])
  return list('/dev/dri').some((f) => f.startsWith('renderD')) || list('/dev').some((f) => /^nvidia\d+$/.test(f))
}

/** Creates a one-node session with `provider` in a child Node process; false on error or timeout. */
function probeInChild(provider: ExecutionProvider, timeoutMs: number): Promise<boolean> {
  const b = createBuilder()
  b.op('Relu', ['x'], undefined, 'y')
  const bytes = model(graph({ name: 'probe', inputs: [value('x', 'float', [1])], outputs: [value('y', 'float', [1])], ...b }))
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node')
  const script = `const ort = require(${JSON.stringify(ortPath)});
ort.InferenceSession.create(Buffer.from('${Buffer.from(bytes).toString('base64')}', 'base64'), { executionProviders: ['${provider}'], logSeverityLevel: 4 })
  .then(() => process.exit(0), () => process.exit(1))`
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: 'ignore',
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    })
    child.on('error', () => resolve(false))
    child.on('exit', (code) => resolve(code === 0))
  })
}

// ---- checking the model against the manifest ----

function checkNames(entry: ModelEntry, session: ort.InferenceSession): { fixedBatch?: number } {
  const mismatch = (msg: string) => new ModelError('manifest-mismatch', `${entry.id}: ${msg}`)
  const { inputName } = entry.input
  const input = session.inputMetadata.find((m) => m.name === inputName)
  if (!input) throw mismatch(`input '${inputName}' not in the model (inputs: ${session.inputNames.join(', ')})`)
  if (session.inputNames.length > 1) throw mismatch(`the model needs more inputs than '${inputName}': ${session.inputNames.join(', ')}`)
  const o = entry.outputs
  const wanted: [string, string][] = [['outputs.patchTokens', o.patchTokens.name]]
  if (o.classToken) wanted.push(['outputs.classToken', o.classToken.name])
  if (o.importance) wanted.push(['outputs.importance', o.importance.name])
  if (o.frameEmbeds) wanted.push(['outputs.frameEmbeds', o.frameEmbeds.name])
  if (o.patchEmbeds) wanted.push(['outputs.patchEmbeds', o.patchEmbeds.name])
  for (const [field, name] of wanted)
    if (!session.outputNames.includes(name)) throw mismatch(`${field} '${name}' not in the model (outputs: ${session.outputNames.join(', ')})`)
  const { layout } = entry.input
  const type = layout === 'NHWC-uint8' ? 'uint8' : 'float32'
  if (!input.isTensor || input.type !== type)
    throw mismatch(`input '${inputName}' is ${input.isTensor ? input.type : 'not a tensor'}, manifest layout '${layout}' needs a ${type} tensor`)
  const shape = input.shape
  const want: (number | string)[] = modelInputShape(entry, 1)
  want[0] = 'batch'
  if (shape.length !== 4 || [1, 2, 3].some((i) => typeof shape[i] === 'number' && shape[i] !== want[i]))
    throw mismatch(`input '${inputName}' has shape [${shape.join(', ')}], manifest says [${want.join(', ')}] (${layout})`)
  return { fixedBatch: typeof shape[0] === 'number' ? shape[0] : undefined }
}

interface Layout {
  fetches: string[]
  read(out: ort.InferenceSession.ReturnType, batch: number): EncodedBatch
}

/** Runs one batch of zeros, checks every output's shape against the manifest and returns how to read outputs. */
async function probeLayout(entry: ModelEntry, session: ort.InferenceSession, fixedBatch?: number): Promise<Layout> {
  const mismatch = (msg: string) => new ModelError('manifest-mismatch', `${entry.id}: ${msg}`)
  const { patchTokens, classToken, importance, frameEmbeds, patchEmbeds } = entry.outputs
  const fetches = [...new Set([patchTokens.name, classToken?.name, importance?.name, frameEmbeds?.name, patchEmbeds?.name].filter((n): n is string => !!n))]
  const batch = fixedBatch ?? 1
  const shape = modelInputShape(entry, batch)
  let out: ort.InferenceSession.ReturnType
  try {
    const size = batch * 3 * entry.input.size[0] * entry.input.size[1]
    const zeros = modelInputTensor(entry, entry.input.layout === 'NHWC-uint8' ? new Uint8Array(size) : new Float32Array(size), batch)
    out = await session.run({ [entry.input.inputName]: zeros }, fetches)
  } catch (e) {
    throw new ModelError('bad-model', `${entry.id}: the model fails on a ${shape.join('×')} ${entry.input.layout} input: ${firstLine(e)}`)
  }
  const n = entry.grid.h * entry.grid.w
  const d = entry.dim
  const dims = (name: string, field: string): readonly number[] => {
    const t = out[name] as ort.Tensor
    if (t.type !== 'float32') throw mismatch(`${field} '${name}' is ${t.type}, must be float32`)
    return t.dims
  }
  const show = (s: readonly number[]) => `[${s.join(', ')}]`

  const dropTokens = patchTokens.dropLeading ?? 0
  const tShape = dims(patchTokens.name, 'outputs.patchTokens')
  if (tShape.length !== 3 || tShape[0] !== batch || tShape[1] !== dropTokens + n || tShape[2] !== d)
    throw mismatch(
      `outputs.patchTokens '${patchTokens.name}' has shape ${show(tShape)}, manifest expects [B, ${dropTokens} + ${entry.grid.h}×${entry.grid.w}, ${d}] (dropLeading + grid, dim)`,
    )

  let classRows = 0
  if (classToken) {
    const s = dims(classToken.name, 'outputs.classToken')
    const ok = classToken.index === undefined ? s.length === 2 && s[1] === d : s.length === 3 && s[2] === d && classToken.index < s[1]
    if (!ok || s[0] !== batch)
      throw mismatch(
        `outputs.classToken '${classToken.name}' has shape ${show(s)}, manifest expects ${classToken.index === undefined ? `[B, ${d}]` : `[B, T > ${classToken.index}, ${d}]`}`,
      )
    classRows = s.length === 3 ? s[1] : 0
  }

  let heads = 0
  let attnT = 0
  if (importance) {
    const s = dims(importance.name, 'outputs.importance')
    if (importance.fromAttention) {
      const drop = importance.fromAttention.dropLeading
      if (s.length !== 4 || s[0] !== batch || s[2] !== s[3] || s[3] !== drop + n)
        throw mismatch(`outputs.importance '${importance.name}' has shape ${show(s)}, manifest expects attentions [B, heads, ${drop + n}, ${drop + n}]`)
      heads = s[1]
      attnT = s[3]
    } else if (s.length !== 2 || s[0] !== batch || s[1] !== n) {
      throw mismatch(`outputs.importance '${importance.name}' has shape ${show(s)}, manifest expects [B, ${n}]`)
    }
  }

  // The text space's width P: the text tower's embedDim (parseManifest requires `text` with embeddings).
  const p = entry.text?.embedDim ?? 0
  if (frameEmbeds) {
    const s = dims(frameEmbeds.name, 'outputs.frameEmbeds')
    if (s.length !== 2 || s[0] !== batch || s[1] !== p) throw mismatch(`outputs.frameEmbeds '${frameEmbeds.name}' has shape ${show(s)}, manifest expects [B, ${p}] (text.embedDim)`)
  }
  const dropEmbeds = patchEmbeds?.dropLeading ?? 0
  if (patchEmbeds) {
    const s = dims(patchEmbeds.name, 'outputs.patchEmbeds')
    if (s.length !== 3 || s[0] !== batch || s[1] !== dropEmbeds + n || s[2] !== p)
      throw mismatch(`outputs.patchEmbeds '${patchEmbeds.name}' has shape ${show(s)}, manifest expects [B, ${dropEmbeds} + ${entry.grid.h}×${entry.grid.w}, ${p}] (dropLeading + grid, text.embedDim)`)
  }

  return {
    fetches,
    read(res, b) {
      const data = (name: string) => (res[name] as ort.Tensor).data as Float32Array
      const result: EncodedBatch = { tokens: dropRows(data(patchTokens.name), b, dropTokens + n, d, dropTokens, n) }
      if (classToken) result.cls = classToken.index === undefined ? data(classToken.name) : dropRows(data(classToken.name), b, classRows, d, classToken.index, 1)
      if (importance) {
        result.importance = importance.fromAttention
          ? classAttention(data(importance.name), b, heads, attnT, importance.fromAttention.dropLeading)
          : normaliseRows(data(importance.name), n)
      }
      if (frameEmbeds) result.frameEmbeds = data(frameEmbeds.name)
      if (patchEmbeds) result.patchEmbeds = dropRows(data(patchEmbeds.name), b, dropEmbeds + n, p, dropEmbeds, n)
      return result
    },
  }
}

// ---- output transforms (pure) ----

function emptyBatch(entry: ModelEntry): EncodedBatch {
  const { classToken, importance, frameEmbeds, patchEmbeds } = entry.outputs
  const empty = (present: unknown) => (present ? new Float32Array(0) : undefined)
  return { tokens: new Float32Array(0), cls: empty(classToken), importance: empty(importance), frameEmbeds: empty(frameEmbeds), patchEmbeds: empty(patchEmbeds) }
}

/** The first `n` values of `input` followed by zeros up to `size` (a new array of the same type). */
function padded(input: ModelInput, n: number, size: number): ModelInput {
  if (input instanceof Uint8Array) {
    const out = new Uint8Array(size)
    out.set(input.subarray(0, n))
    return out
  }
  const out = new Float32Array(size)
  out.set(input.subarray(0, n))
  return out
}

/** The first `keep` of `b` frames of every output (views, no copy). */
function firstFrames(r: EncodedBatch, b: number, keep: number): EncodedBatch {
  const cut = (x?: Float32Array) => x?.subarray(0, (x.length / b) * keep)
  return { tokens: cut(r.tokens)!, cls: cut(r.cls), importance: cut(r.importance), frameEmbeds: cut(r.frameEmbeds), patchEmbeds: cut(r.patchEmbeds) }
}

/** Rows [from, from + count) of each of B blocks of `rows` rows of width d: [B, rows, d] → [B, count, d]. No copy when nothing is dropped. */
export function dropRows(x: Float32Array, b: number, rows: number, d: number, from: number, count: number): Float32Array {
  if (from === 0 && count === rows) return x
  const out = new Float32Array(b * count * d)
  for (let i = 0; i < b; i++) out.set(x.subarray((i * rows + from) * d, (i * rows + from + count) * d), i * count * d)
  return out
}

/**
 * Class-token attention from attention probabilities [B, heads, T, T]: row 0 (the class token as
 * query), averaged over heads, columns [drop, T) kept, renormalised to sum 1 → [B, T − drop].
 */
export function classAttention(attn: Float32Array, b: number, heads: number, t: number, drop: number): Float32Array {
  const n = t - drop
  const out = new Float32Array(b * n)
  for (let i = 0; i < b; i++) {
    for (let hd = 0; hd < heads; hd++) {
      const row = ((i * heads + hd) * t + 0) * t + drop
      for (let j = 0; j < n; j++) out[i * n + j] += attn[row + j]
    }
  }
  return normaliseRows(out, n)
}

/** Each row of [R, n] scaled to sum 1 (in place; a row summing to 0 becomes uniform). */
export function normaliseRows(x: Float32Array, n: number): Float32Array {
  for (let r = 0; r < x.length; r += n) {
    let s = 0
    for (let j = 0; j < n; j++) s += x[r + j]
    if (s > 0) for (let j = 0; j < n; j++) x[r + j] /= s
    else x.fill(1 / n, r, r + n)
  }
  return x
}
