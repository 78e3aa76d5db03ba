/**
 * The O(N²·D) methods beside NumPy ports of the same algorithms (main/bench/numpy/ports.py), per
 * core, on the same tokens: the method's per-frame work in this process's main thread (CPU time,
 * no workers) against the port in a Python process with one BLAS thread (its CPU time), passes
 * alternating; the ratio is the median of the passes' ratios, each taken from two neighbouring
 * passes, so that a slow spell of this shared machine weighs on both sides of one ratio. NumPy is
 * Debian's python3-numpy (scripts/system-deps.sh bench installs it with OpenBLAS); the row names
 * the BLAS library the port loaded, since the baseline means nothing without it. Each pass also
 * checks both sides reach the same decisions on every frame.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { divPruneSelect } from '../../common/compression/spatial/divprune'
import { tomeLabels } from '../../common/compression/spatial/tome'
import { canonicalGroups } from '../../common/token-map'
import { encodeNpy } from '../export/npy'
import { appRoot } from '../app/paths'
import { median } from './measure'
import { syntheticVideo } from './synthetic'

export interface NumpyComparison {
  method: string
  frames: number
  keep: number
  /** CPU milliseconds per frame, median of the passes. */
  methodMs: number
  numpyMs: number
  /** numpyMs / methodMs of neighbouring passes, median over the passes: above 1, the method is faster per core. */
  ratio: number
  /** Frames on which both reached the same decisions (ToMe: the same partition; DivPrune: the same picks in the same order). */
  agree: number
  numpy: string
  blas: string
  target: string
}

/** The Python with Debian's NumPy: TOKENSCOPE_PYTHON, else /usr/bin/python3, else python3. */
const python = () => process.env.TOKENSCOPE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')

const PORTS: Record<string, (frame: Float32Array, n: number, d: number, keep: number) => Int32Array> = {
  tome: (x, n, d, keep) => tomeLabels(x, n, d, keep).labels,
  divprune: (x, n, d, keep) => divPruneSelect(x, n, d, keep),
}

export async function benchNumpy(dir: string, log: (s: string) => void, frames = 96, passes = 7): Promise<NumpyComparison[]> {
  const video = syntheticVideo(frames)
  const n = 196
  const d = 768
  const keep = Math.round(0.1 * n)
  const file = join(dir, `numpy-tokens-${frames}.npy`)
  const all = new Float32Array(frames * n * d)
  video.tokens.forEach((x, t) => all.set(x, t * n * d))
  writeFileSync(file, encodeNpy(all, [frames, n, d]))
  const script = join(appRoot(), 'main', 'bench', 'numpy', 'ports.py')
  const out: NumpyComparison[] = []
  for (const [method, run] of Object.entries(PORTS)) {
    log(`numpy: ${method} beside its NumPy port, ${frames} frames, keep ${keep} …`)
    const ours: number[] = []
    const theirs: number[] = []
    let info = { numpy: '?', blas: '?' }
    let agree = 0
    for (const x of video.tokens.slice(0, 8)) run(x, n, d, keep) // warm-up: compile before timing, as the port warms up too
    for (let p = 0; p < passes; p++) {
      const c0 = process.cpuUsage()
      const results = video.tokens.map((x) => run(x, n, d, keep))
      const c = process.cpuUsage(c0)
      ours.push((c.user + c.system) / 1000 / frames)
      const py = spawnSync(python(), [script, method, file, '--keep', String(keep), '--repeat', '1'], { encoding: 'utf8', maxBuffer: 1 << 28 })
      if (py.status !== 0) throw new Error(`NumPy port failed (${python()}): ${py.stderr.trim().split('\n').at(-1)}; run 'npm run bench' (its set-up installs python3-numpy)`)
      const r = JSON.parse(py.stdout) as { cpuMsPerFrame: number; numpy: string; blas: string[]; results: number[][] }
      theirs.push(r.cpuMsPerFrame)
      info = { numpy: r.numpy, blas: r.blas.join(', ') }
      agree = results.filter((ours, t) => sameDecisions(method, ours, r.results[t])).length
    }
    const ratio = median(theirs.map((t, p) => t / ours[p]))
    out.push({ method, frames, keep, methodMs: median(ours), numpyMs: median(theirs), ratio, agree, ...info, target: '≥ 1' })
  }
  return out
}

/** ToMe: the same partition of the patches (numbering aside); DivPrune: the same picks in the same order. */
function sameDecisions(method: string, ours: Int32Array, theirs: number[]): boolean {
  if (method === 'divprune') return ours.length === theirs.length && ours.every((v, i) => v === theirs[i])
  const a = canonicalGroups(ours).groups
  const b = canonicalGroups(theirs).groups
  return a.every((v, i) => v === b[i])
}
