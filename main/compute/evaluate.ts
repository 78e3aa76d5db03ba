import { computeMetricsInWorker, runMethodInWorker, type RunInWorkerOptions } from './run-method'
import type { TokenSource } from './jobs'
import type { Budget, MethodContext, MethodResult, ParamValues } from '../../common/compression/types'
import type { Metrics, MetricsOptions } from '../../common/metrics/index'

export interface Evaluation {
  result: MethodResult
  metrics: Metrics
  /** Time the method itself took (metrics excluded). */
  elapsedMs: number
}

/**
 * A method run and its metrics, both off the calling thread (metrics such as coverage cost as
 * much as many methods): the one path the CLI and the app take. The app streams the tokens from
 * the token cache and keeps prepared data (`prepared`) so a budget change skips the methods'
 * budget-independent work.
 */
export async function evaluateMethod(
  video: TokenSource,
  methodId: string,
  budget: Budget,
  params: ParamValues,
  ctx: MethodContext,
  metricsOpts: MetricsOptions = {},
  signal?: AbortSignal,
  prepared?: RunInWorkerOptions['prepared'],
): Promise<Evaluation> {
  const started = performance.now()
  const result = await runMethodInWorker(video, methodId, budget, params, ctx, { signal, prepared })
  const elapsedMs = performance.now() - started
  const metrics = await computeMetricsInWorker(video, result, metricsOpts, { signal })
  return { result, metrics, elapsedMs }
}
