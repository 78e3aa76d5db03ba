/**
 * The sweep bench: a five-budget sweep of two spatial methods (one `runSweep` call, as `sweep:run`
 * makes it) beside the ten single runs it replaces (evaluateMethod, as each `method:run` makes
 * it), on the same synthetic tokens held as the app holds an open video's (plain arrays, not
 * shared memory). Target: the sweep costs no more than the runs (ratio ≥ 1).
 */
import { sideBySide, timed, type Comparison } from './measure'
import { syntheticVideo } from './synthetic'
import { evaluateMethod } from '../compute/evaluate'
import { runSweep } from '../compute/sweep'
import type { VideoTokens } from '../../common/tokens'

export const SWEEP_BENCH_METHODS = ['tome', 'vtc-cls']
export const SWEEP_BENCH_BUDGETS = [0.02, 0.05, 0.1, 0.25, 0.5]
/** Feature width of the bench's tokens: the built-in model's. */
const DIM = 192

/** `video` with every per-frame array copied out of the shared buffer (an open video's tokens as read from the cache). */
const plainCopy = (video: VideoTokens): VideoTokens => ({
  ...video,
  tokens: video.tokens.map((a) => a.slice()),
  cls: video.cls?.map((a) => a.slice()),
  importance: video.importance?.map((a) => a.slice()),
})

export async function benchSweep(frames: number, log: (s: string) => void): Promise<Comparison> {
  log(`sweep: ${SWEEP_BENCH_METHODS.join(' and ')} at ${SWEEP_BENCH_BUDGETS.length} budgets on ${frames} synthetic frames × 196 tokens × ${DIM} dims …`)
  const video = plainCopy(syntheticVideo(frames, { h: 14, w: 14 }, DIM))
  const methods = SWEEP_BENCH_METHODS.map((methodId) => ({ methodId, params: {} }))
  const budgets = SWEEP_BENCH_BUDGETS.map((ratio) => ({ ratio }))
  const runs = methods.length * budgets.length
  return sideBySide(
    `sweep of ${SWEEP_BENCH_METHODS.join(' + ')} × ${budgets.length} budgets, ${frames} frames`,
    'runs/s',
    {
      label: 'one sweep',
      run: () =>
        timed(async () => {
          await runSweep(video, methods, budgets, { seed: 0 }, () => null)
          return runs
        }),
    },
    {
      label: `${runs} single runs`,
      run: () =>
        timed(async () => {
          for (const { methodId, params } of methods) for (const budget of budgets) await evaluateMethod(video, methodId, budget, params, { seed: 0 })
          return runs
        }),
    },
    2,
    '≥ 1.00',
  )
}
