// The video services: ffmpeg/ffprobe discovery, probing, decoding, fingerprints, demo clip.
export { resolveBinaries, type Binaries, type Binary, type BinarySource } from './binaries'
export { VideoError, isVideoError, type VideoErrorCode } from './errors'
export { probeVideo, displaySize } from './probe'
export {
  buildDecodeArgs,
  decodeFrameAt,
  decodeFrames,
  decodeKeyframes,
  listFramePts,
  listKeyframes,
  type DecodeArgsOptions,
  type DecodedFrame,
  type DecodeOptions,
  type DecodeSummary,
  type KeyframeDecodeOptions,
  type ResizeMode,
} from './decode'
export { fingerprintVideo } from './fingerprint'
export { makeDemoVideo } from './demo'
