import type { Method } from '../types'

export const temporalMethods: Method[] = []
