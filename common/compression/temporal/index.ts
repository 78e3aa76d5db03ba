import type { Method } from '../types'
import { bVllmSelect } from './b-vllm-select'
import { dycokeTtm } from './dycoke-ttm'
import { fastVid } from './fastvid'
import { frameFusionMerge } from './framefusion-merge'
import { holiTom } from './holitom'
import { keyframesCodec } from './keyframes-codec'
import { pruneVid } from './prunevid'
import { sceneSegments } from './scene-segments'
import { tempMe } from './tempme'
import { tsThumbnail } from './ts-thumbnail'

/** Temporal (across-frame) and frame-selection methods, in listing order. */
export const temporalMethods: Method[] = [
  dycokeTtm,
  frameFusionMerge,
  pruneVid,
  fastVid,
  holiTom,
  tempMe,
  keyframesCodec,
  sceneSegments,
  tsThumbnail,
  bVllmSelect,
]
