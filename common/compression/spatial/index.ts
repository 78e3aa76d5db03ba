import type { Method } from '../types'
import { dctLowpassMethod } from './dct-lowpass'
import { divPrune } from './divprune'
import { feather } from './feather'
import { dtome } from './dtome'
import { pruMerge } from './prumerge'
import { pruMergePlus } from './prumerge-plus'
import { tome } from './tome'
import { visionZip } from './visionzip'
import { visPruner } from './vispruner'
import { vtcCls } from './vtc-cls'
import { zipVlTopP } from './zipvl-topp'

export const spatialMethods: Method[] = [tome, dtome, vtcCls, visionZip, pruMerge, divPrune, dctLowpassMethod, visPruner, pruMergePlus, feather, zipVlTopP]
