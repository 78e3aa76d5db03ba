import { computeMetricsInWorker, runMethodInWorker } from './run-method'
import type { Budget, MethodContext, MethodResult, ParamValues } from '../../common/compression/types'
import type { Metrics, MetricsOptions } from '../../common/metrics/index'
import type { VideoTokens } from '../../common/tokens'

export interface Evaluation {
  result: MethodResult
  metrics: Metrics
  /** Time the method itself took (metrics excluded). */
  elapsedMs: number
}

/**
 * A method run and its metrics, both off the calling thread (metrics such as coverage cost as
 * much as many methods): the one path the CLI and the app take.
 */
export async function evaluateMethod(
  video: VideoTokens,
  methodId: string,
  budget: Budget,
  params: ParamValues,
  ctx: MethodContext,
  metricsOpts: MetricsOptions = {},
  signal?: AbortSignal,
): Promise<Evaluation> {
  const started = performance.now()
  const result = await runMethodInWorker(video, methodId, budget, params, ctx, { signal })
  const elapsedMs = performance.now() - started
  const metrics = await computeMetricsInWorker(video, result, metricsOpts, { signal })
  return { result, metrics, elapsedMs }
}
