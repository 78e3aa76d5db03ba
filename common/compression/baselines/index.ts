import type { Method } from '../types'
import { avgPool } from './avg-pool'
import { downsample } from './downsample'
import { randomPrune } from './random-prune'
import { uniformFrames } from './uniform-frames'

export const baselinesMethods: Method[] = [uniformFrames, randomPrune, avgPool, downsample]
