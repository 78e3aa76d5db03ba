/** The aspect (width / height) the frame is shown at: the decoded image's, else the video's as displayed (rotation applied), else 16:9. */
import { computed } from 'vue'
import { useFrameStore } from '../stores/frame'
import { useVideoStore } from '../stores/video'

export function useFrameAspect() {
  const frame = useFrameStore()
  const video = useVideoStore()
  return computed(() => {
    const img = frame.image
    if (img) return img.width / img.height
    const info = video.info
    if (!info || !info.width || !info.height) return 16 / 9
    return info.rotation % 180 === 0 ? info.width / info.height : info.height / info.width
  })
}
