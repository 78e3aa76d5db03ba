import type { Method } from '../types'
import { dctLowpassMethod } from './dct-lowpass'
import { divPrune } from './divprune'
import { dtome } from './dtome'
import { pruMerge } from './prumerge'
import { tome } from './tome'
import { visionZip } from './visionzip'
import { vtcCls } from './vtc-cls'

export const spatialMethods: Method[] = [tome, dtome, vtcCls, visionZip, pruMerge, divPrune, dctLowpassMethod]
