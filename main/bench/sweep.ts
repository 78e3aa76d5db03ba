/**
 * The sweep bench: a five-budget sweep of two spatial methods (one `runSweep` call, as `sweep:run`
 * makes it) beside the ten single runs it replaces (evaluateMethod, as each `method:run` makes it:
 * the user moving the budget five times per method), on the same synthetic hour of tokens in a
 * token cache, streamed to the workers as the app does, each side with a prepared-data store of
 * its own as the app keeps one. Target: the sweep costs no more than the runs (ratio ≥ 1).
 */
import { join } from 'node:path'
import { sideBySide, timed, type Comparison } from './measure'
import { writeSyntheticCache } from './synthetic'
import { evaluateMethod } from '../compute/evaluate'
import { createPreparedStore } from '../compute/prepared-store'
import { runSweep } from '../compute/sweep'

export const SWEEP_BENCH_METHODS = ['tome', 'vtc-cls']
export const SWEEP_BENCH_BUDGETS = [0.02, 0.05, 0.1, 0.25, 0.5]

export async function benchSweep(dir: string, frames: number, log: (s: string) => void): Promise<Comparison> {
  const cacheDir = join(dir, `synthetic-${frames}`)
  log(`sweep: writing ${frames} synthetic frames to ${cacheDir} (once) …`)
  writeSyntheticCache(cacheDir, frames)
  const source = { cacheDir, frames }
  log(`sweep: ${SWEEP_BENCH_METHODS.join(' and ')} at ${SWEEP_BENCH_BUDGETS.length} budgets on ${frames} frames × 196 tokens streamed from the cache …`)
  const methods = SWEEP_BENCH_METHODS.map((methodId) => ({ methodId, params: {} }))
  const budgets = SWEEP_BENCH_BUDGETS.map((ratio) => ({ ratio }))
  const runs = methods.length * budgets.length
  // A fresh store per measurement: nothing prepared carries over from the other side or an earlier repetition.
  const prepared = () => ({ store: createPreparedStore(), cacheKey: cacheDir })
  return sideBySide(
    `sweep of ${SWEEP_BENCH_METHODS.join(' + ')} × ${budgets.length} budgets, ${frames} frames`,
    'runs/s',
    {
      label: 'one sweep',
      run: () =>
        timed(async () => {
          await runSweep(source, methods, budgets, { seed: 0, prepared: prepared() }, () => null)
          return runs
        }),
    },
    {
      label: `${runs} single runs`,
      run: () =>
        timed(async () => {
          const kept = prepared()
          for (const { methodId, params } of methods) for (const budget of budgets) await evaluateMethod(source, methodId, budget, params, { seed: 0 }, {}, undefined, kept)
          return runs
        }),
    },
    2,
    '≥ 1.00',
  )
}
