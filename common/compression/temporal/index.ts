import type { Method } from '../types'
import { bVllmSelect } from './b-vllm-select'
import { dycokeTtm } from './dycoke-ttm'
import { evs } from './evs'
import { fastVid } from './fastvid'
import { flashVid } from './flashvid'
import { frameFusionMerge } from './framefusion-merge'
import { holiTom } from './holitom'
import { keyeSlowFast } from './keye-slowfast'
import { keyframesCodec } from './keyframes-codec'
import { llavaScissor } from './llava-scissor'
import { pruneVid } from './prunevid'
import { sceneSegments } from './scene-segments'
import { sttm } from './sttm'
import { tempMe } from './tempme'
import { tsThumbnail } from './ts-thumbnail'
import { vidCom2 } from './vidcom2'
import { vqCodebook } from './vq-codebook'

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
  vidCom2,
  evs,
  flashVid,
  keyeSlowFast,
  sttm,
  llavaScissor,
  vqCodebook,
]
