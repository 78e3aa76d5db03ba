/**
 * `tokenscope annotations list|export|import|agree <video> …`: a video's hand annotations from
 * the command line, through the same project store as the app (so a running app takes in what
 * the CLI imports within a second, and nothing either writes is lost).
 */
import { resolve } from 'node:path'
import type { CommandContext } from './context'
import { formatNumber, table } from './format'
import { UsageError } from './errors'
import { projectsDir } from '../settings'
import { writeFileDurable } from '../projects/durable-write'
import { openVideoProject, type VideoProject } from '../projects/video-project'
import { readAnnotationFile } from '../projects/annotation-file'
import { formats, FORMAT_IDS, isFormatId, type AnnotationFormat } from '../../common/annotations/formats'
import { planImport } from '../../common/annotations/import'
import { setAgreement, DEFAULT_DELTA_SECONDS } from '../../common/annotations/agreement'
import type { AnnotationSet } from '../../common/annotations/model'
import { AnnotationFormatError } from '../../common/annotations/validate'

export const ANNOTATION_ACTIONS = ['list', 'export', 'import', 'agree'] as const

export const annotationsUsage = [
  'annotations list <video> [--json]',
  `annotations export <video> --format ${FORMAT_IDS.join('|')} --out FILE [--set NAME]`,
  'annotations import <video> FILE [--format F] [--set NAME]',
  'annotations agree <video> --sets a,b [--delta S]',
].join('\n       tokenscope ')

export async function annotationsCommand(ctx: CommandContext): Promise<void> {
  const [action, video, ...rest] = ctx.positionals
  if (!action || !(ANNOTATION_ACTIONS as readonly string[]).includes(action)) throw new UsageError(`what to do? one of ${ANNOTATION_ACTIONS.join(', ')}`)
  if (!video) throw new UsageError('which video? give its path')
  if (rest.length > (action === 'import' ? 1 : 0)) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`)
  const project = await openVideoProject(video, { projectsDir: (ctx.values.projects as string | undefined) ?? projectsDir() })
  try {
    if (project.store.problem) throw new AnnotationFormatError(`${project.store.problem.message}. Open the video in the app to recover the last good state.`, project.store.problem.problem)
    if (action === 'list') list(ctx, project)
    else if (action === 'export') await exportSets(ctx, project)
    else if (action === 'import') await importFile(ctx, project, rest[0])
    else agree(ctx, project)
  } finally {
    await project.store.close()
  }
}

const counts = (s: AnnotationSet) => `${s.keyframes.length} keyframe${s.keyframes.length === 1 ? '' : 's'}, ${s.segments.length} segment${s.segments.length === 1 ? '' : 's'}`

function list(ctx: CommandContext, { store, notices }: VideoProject) {
  const p = store.project
  ctx.out({ file: store.file, notices, project: p }, () =>
    [
      `${p.video.path}`,
      `  project  ${store.file}`,
      ...notices.map((n) => `  note     ${n}`),
      '',
      p.sets.length
        ? table(['set', 'annotator', 'keyframes', 'segments', 'question'], p.sets.map((s) => [s.name, s.annotator || '-', s.keyframes.length, s.segments.length, s.question || '-']))
        : 'no annotation sets yet',
    ].join('\n'),
  )
}

function chosenSets(project: VideoProject, name: string | undefined): AnnotationSet[] {
  const sets = project.store.project.sets
  if (name === undefined) return [...sets]
  const set = sets.find((s) => s.name === name)
  if (!set) throw new UsageError(`no set named "${name}" (sets: ${sets.map((s) => s.name).join(', ') || 'none'})`)
  return [set]
}

function formatArg(ctx: CommandContext, required: boolean): AnnotationFormat | undefined {
  const id = ctx.values.format as string | undefined
  if (id === undefined) {
    if (required) throw new UsageError(`--format is needed: ${FORMAT_IDS.join(', ')}`)
    return undefined
  }
  if (!isFormatId(id)) throw new UsageError(`--format must be one of ${FORMAT_IDS.join(', ')}, got '${id}'`)
  return formats[id]
}

async function exportSets(ctx: CommandContext, project: VideoProject) {
  const format = formatArg(ctx, true)!
  const out = ctx.values.out as string | undefined
  if (!out) throw new UsageError('--out FILE is needed')
  const sets = chosenSets(project, ctx.values.set as string | undefined)
  await writeFileDurable(resolve(out), format.write(sets, { video: project.store.project.video }))
  const result = { file: resolve(out), format: format.id, sets: sets.map((s) => s.name), keyframes: sets.reduce((n, s) => n + s.keyframes.length, 0), segments: sets.reduce((n, s) => n + s.segments.length, 0), drops: format.drops || null }
  ctx.out(result, () => `wrote ${sets.length} set${sets.length === 1 ? '' : 's'} (${sets.map(counts).join('; ')}) to ${result.file}${format.drops ? `\n${format.name} does not hold ${format.drops}` : ''}`)
}

async function importFile(ctx: CommandContext, project: VideoProject, file: string | undefined) {
  if (!file) throw new UsageError('which file? tokenscope annotations import <video> FILE')
  const { format, ...read } = await readAnnotationFile(file, { ...project.store.project.video, path: project.videoPath }, formatArg(ctx, false))
  const plan = planImport(project.store.project, read.sets, ctx.values.set as string | undefined)
  if (plan.op) project.store.apply(plan.op)
  await project.store.flush()
  const result = { file: project.store.file, format: format.id, sets: plan.sets, keyframes: plan.keyframes, segments: plan.segments, skipped: plan.skipped, notices: read.notices }
  ctx.out(result, () =>
    [
      `imported ${plan.keyframes} keyframes and ${plan.segments} segments (${format.name}) into ${plan.sets.map((s) => `"${s}"`).join(', ') || 'nothing'}${plan.skipped ? `; ${plan.skipped} already there` : ''}`,
      ...read.notices.map((n) => `note: ${n}`),
      `project: ${project.store.file}`,
    ].join('\n'),
  )
}

function agree(ctx: CommandContext, project: VideoProject) {
  const names = ((ctx.values.sets as string | undefined) ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  if (names.length !== 2) throw new UsageError('--sets takes two set names: --sets a,b')
  const raw = ctx.values.delta as string | undefined
  const delta = raw === undefined ? DEFAULT_DELTA_SECONDS : Number(raw)
  if (!(Number.isFinite(delta) && delta >= 0)) throw new UsageError(`--delta must be a number of seconds ≥ 0, got '${raw}'`)
  const [a, b] = names.map((n) => chosenSets(project, n)[0])
  const score = setAgreement(a, b, delta)
  if (!score) throw new UsageError(`nothing to compare: "${a.keyframes.length ? b.name : a.name}" has no keyframes`)
  ctx.out(score, () =>
    [
      `agreement of "${b.name}" (${b.keyframes.length} keyframes) with "${a.name}" (${a.keyframes.length} keyframes), within ±${delta} s:`,
      `  precision ${formatNumber(score.precision)}  (share of "${b.name}" keyframes near one of "${a.name}")`,
      `  recall    ${formatNumber(score.recall)}  (share of "${a.name}" keyframes near one of "${b.name}")`,
      `  F1        ${formatNumber(score.f1)}`,
    ].join('\n'),
  )
}
