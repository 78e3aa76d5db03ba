/**
 * `models:pullable` and `models:pull`: the models the app can download ("get a real model" in the
 * model picker), downloaded in a worker with progress as `models:pull-progress`, one pull per
 * model at a time; the same download as `tokenscope models pull`.
 */
import type { ModelInfo, PullableModel } from '../../common/ipc/contract'
import { scanModels } from '../encoder/registry'
import { CATALOG } from '../models/catalog'
import { pullInWorker } from '../models/pull-client'
import { toApiError } from './errors'
import type { Emit } from './events'
import { modelInfo } from './model-list'

export interface ModelPulls {
  pullable(): Promise<PullableModel[]>
  pull(id: string): Promise<ModelInfo>
}

export function createModelPulls(opts: { emit: Emit; pullDir: string; modelsDirs?: string[]; hubUrl?: string }): ModelPulls {
  const running = new Map<string, Promise<ModelInfo>>()
  return {
    async pullable() {
      const { models } = await scanModels(opts.modelsDirs)
      return CATALOG.map((m) => ({ id: m.id, name: m.name, description: m.description, licence: m.licence, bytes: m.approxBytes, installed: models.some((x) => x.id === m.id) }))
    },
    pull(id) {
      const before = running.get(id)
      if (before) return before
      const done = pullInWorker({ id, modelsDir: opts.pullDir, hubUrl: opts.hubUrl }, (p) => opts.emit('models:pull-progress', p))
        .then((r) => modelInfo(r.entry))
        .catch((e: unknown) => {
          opts.emit('models:pull-progress', { modelId: id, phase: 'error', bytesDone: 0, bytesTotal: 0, bytesPerSecond: 0, etaSeconds: -1, message: toApiError(e).message })
          throw e
        })
        .finally(() => running.delete(id))
      running.set(id, done)
      return done
    },
  }
}
