import type { Method } from '../types'
import { cdPruner } from './cdpruner'
import { f2cClips } from './f2c-clips'
import { ppllavaPool } from './ppllava-pool'
import { recoverable } from './recoverable'
import { tstarSearch } from './tstar-search'

/** Prompt-guided methods (they need a text query and a model with a text tower), in listing order. */
export const promptMethods: Method[] = [ppllavaPool, f2cClips, tstarSearch, recoverable, cdPruner]
