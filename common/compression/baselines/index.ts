import type { Method } from '../types'

export const baselinesMethods: Method[] = []
