import type { Method } from '../types'

export const spatialMethods: Method[] = []
