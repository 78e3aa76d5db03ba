/** A project the user must do something about (locked, for another video, not found); one line, no stack. */
export class ProjectError extends Error {
  override name = 'ProjectError'
}
