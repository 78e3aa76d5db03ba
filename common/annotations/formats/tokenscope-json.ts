/**
 * TokenScope's own JSON: the project file format itself (README "Annotation project files"),
 * holding the chosen sets. Nothing is dropped. On import the file must be for the same video
 * (same content fingerprint): a project of another video is refused, naming both.
 */
import { newProject } from '../model'
import { AnnotationFormatError, parseProject } from '../validate'
import type { AnnotationFormat } from './format'

export const tokenscopeJsonFormat: AnnotationFormat = {
  id: 'json',
  name: 'TokenScope JSON (everything)',
  extension: 'json',
  mimeType: 'application/json',
  drops: '',
  write: (sets, ctx) => JSON.stringify(newProject(ctx.video, sets), null, 1) + '\n',
  read(text, ctx) {
    const project = parseProject(text, 'the TokenScope JSON file')
    if (project.video.fingerprint !== ctx.video.fingerprint) {
      throw new AnnotationFormatError(
        `the TokenScope JSON file belongs to another video (${project.video.path}, fingerprint ${project.video.fingerprint}), not ${ctx.video.path} (fingerprint ${ctx.video.fingerprint})`,
        'wrong-video',
      )
    }
    return { sets: [...project.sets], notices: [] }
  },
  sniff: (text) => /^\s*\{[\s\S]*"format"\s*:\s*"tokenscope-annotations"/.test(text.slice(0, 4096)),
}
