/**
 * One method run in a process of its own, for the bench's peak-memory rows (memory.ts): the token
 * map of `method` at `ratio` over the first `frames` frames of the token cache in `dir`, streamed
 * (runMethodMap), then the process's peak resident memory (threads included) as one JSON line.
 * Started by memory.ts with: <dir> <frames> <method> <ratio>.
 */
import { runMethodMap, shutdownMethodWorkers } from '../compute/run-method'

const [dir, frames, method, ratio] = process.argv.slice(2)
const started = performance.now()
const r = await runMethodMap({ cacheDir: dir, frames: Number(frames) }, method, { ratio: Number(ratio) }, {}, { seed: 0 })
const seconds = (performance.now() - started) / 1000
await shutdownMethodWorkers()
process.stdout.write(JSON.stringify({ peakRssBytes: process.resourceUsage().maxRSS * 1024, seconds, tokensOut: r.report.tokensOut }) + '\n')
