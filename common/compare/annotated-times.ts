/**
 * What a method's keyframes are scored against, from a hand annotation set (the sets of
 * common/annotations; only the fields read here are named, so any set shape that has them fits).
 *
 * The annotated times are the set's keyframes and the in point of each of its segments (where an
 * annotated scene or moment starts: a set of scene segments scores keyframes against the scene
 * changes; QVHighlights-style moments, which have no keyframes, against the moments' starts),
 * ascending, each time once.
 */

export interface ScoredSet {
  name: string
  keyframes: readonly { pts: number }[]
  segments: readonly { inPts: number }[]
}

export function annotatedTimes(set: ScoredSet): number[] {
  return [...new Set([...set.keyframes.map((k) => k.pts), ...set.segments.map((s) => s.inPts)])].sort((a, b) => a - b)
}

/**
 * The set to score against: the one named `name` (an Error naming the sets there are when there
 * is none), else the first set that marks anything; undefined when no set does.
 */
export function chooseScoredSet<T extends ScoredSet>(sets: readonly T[], name?: string): T | undefined {
  if (name !== undefined) {
    const set = sets.find((s) => s.name === name)
    if (!set) throw new Error(`no annotation set named "${name}" (sets: ${sets.map((s) => s.name).join(', ') || 'none'})`)
    return set
  }
  return sets.find((s) => s.keyframes.length + s.segments.length > 0)
}
