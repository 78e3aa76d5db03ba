/**
 * `tokenscope` — the command line. Every command takes --json for machine-readable output.
 * Errors a user can act on (bad file, unknown model, a method the model cannot serve) print one
 * line and exit 1; --debug adds the stack. Ctrl-C during an analysis exits 130 (143 for SIGTERM).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { analyzeCommand } from './analyze'
import { annotationsCommand, annotationsUsage } from './annotations'
import { compressCommand, methodsCommand } from './methods'
import { compareCommand } from './compare'
import { probeCommand } from './info'
import { modelsCommand } from './models'
import { relevanceCommand } from './relevance'
import type { CommandContext } from './context'
import { InterruptedError, describeError } from './errors'
import { portArg } from './options'
import { PROVIDER_CHOICES } from '../../common/providers'

interface Command {
  summary: string
  usage: string
  options: NonNullable<ParseArgsConfig['options']>
  run(ctx: CommandContext): Promise<void>
}

const common = {
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const sampling = {
  fps: { type: 'string' },
  frames: { type: 'string' },
  'every-frame': { type: 'boolean' },
  model: { type: 'string' },
  cache: { type: 'string' },
  provider: { type: 'string' },
} as const

const budget = {
  budget: { type: 'string' },
  tokens: { type: 'string' },
  param: { type: 'string', multiple: true },
  seed: { type: 'string' },
  llm: { type: 'string' },
} as const

const commands: Record<string, Command> = {
  probe: { summary: 'what ffprobe says about a video', usage: 'probe <video> [--json]', options: {}, run: probeCommand },
  analyze: {
    summary: 'decode and encode a video into patch tokens (cached, resumable)',
    usage: `analyze <video> [--fps N | --frames K | --every-frame] [--model ID] [--cache DIR] [--provider ${PROVIDER_CHOICES.join('|')}] [--json]`,
    options: sampling,
    run: analyzeCommand,
  },
  models: {
    summary: 'the models, what each provides, and the real ones to download (models pull <id>)',
    usage: 'models [--json] | models pull <id> [--json]   (download from TOKENSCOPE_HUB_URL, default https://huggingface.co)',
    options: { provider: { type: 'string' } },
    run: modelsCommand,
  },
  methods: { summary: 'the compression methods', usage: 'methods [--json]', options: {}, run: methodsCommand },
  compress: {
    summary: 'run one method on a video (analyzes first when needed) and print its metrics',
    usage: 'compress <video> --method M [--budget 0.1 | --tokens N] [--query TEXT] [--param k=v]… [--seed S] [--llm PRESET] [--out DIR] [sampling options] [--json]',
    options: { ...sampling, ...budget, method: { type: 'string' }, out: { type: 'string' }, query: { type: 'string' } },
    run: compressCommand,
  },
  compare: {
    summary: 'run several methods (and budgets) on a video, one row each; or over many videos, with means and 95 % intervals',
    usage: [
      'compare <video> --methods a,b[,c] [--budget 0.1 | --tokens N] [--sweep 0.05,0.1,0.25,0.5] [--annotations FILE [--set NAME] [--delta S]] [--query TEXT] [--seed S] [--llm PRESET] [sampling options] [--json]',
      '       tokenscope compare --videos <files or folders> --methods a,b --budget 0.1 [--annotations DIR [--set NAME] [--delta S]] [--out DIR] [--query TEXT] [--seed S] [sampling options] [--json]',
    ].join('\n'),
    options: { ...sampling, ...budget, methods: { type: 'string' }, sweep: { type: 'string' }, query: { type: 'string' }, videos: { type: 'boolean' }, out: { type: 'string' }, delta: { type: 'string' }, annotations: { type: 'string' }, set: { type: 'string' } },
    run: compareCommand,
  },
  relevance: {
    summary: "the frames most relevant to a text query, by the model's text tower",
    usage: 'relevance <video> --query TEXT [--top N] [--model ID] [sampling options] [--json]',
    options: { ...sampling, query: { type: 'string' }, top: { type: 'string' } },
    run: relevanceCommand,
  },
  serve: {
    summary: 'serve the workbench in a browser (127.0.0.1, per-launch token)',
    usage: 'serve [--port P] [--open]',
    options: { port: { type: 'string' }, open: { type: 'boolean' }, cache: { type: 'string' } },
    run: async (ctx) => {
      const { serveCommand } = await import('../launch/start')
      await serveCommand({ port: portArg(ctx), open: Boolean(ctx.values.open), cacheDir: ctx.values.cache as string | undefined })
    },
  },
  start: {
    summary: 'open the desktop app (or browser mode where Electron is not installed)',
    usage: 'start',
    options: { port: { type: 'string' } },
    run: async (ctx) => {
      const { startCommand } = await import('../launch/start')
      await startCommand({ port: portArg(ctx) })
    },
  },
  annotations: {
    summary: "a video's hand annotations: list, export, import (json, csv, lvhaystack, qvhighlights), annotator agreement",
    usage: annotationsUsage,
    options: { format: { type: 'string' }, out: { type: 'string' }, set: { type: 'string' }, sets: { type: 'string' }, delta: { type: 'string' }, projects: { type: 'string' } },
    run: annotationsCommand,
  },
  bench: {
    summary: 'measure pipeline, method and UI speed, each as a ratio to a baseline run side by side',
    usage: 'bench [--only decode,encode,query,methods,sweep,numpy,long,memory,ui,annotations] [--frames 3600] [--methods tome,divprune,…] [--json]',
    options: { only: { type: 'string' }, frames: { type: 'string' }, methods: { type: 'string' } },
    run: async (ctx) => {
      const { benchCommand } = await import('./bench')
      await benchCommand(ctx)
    },
  },
}

function help(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length))
  return [
    'tokenscope — visual token compression workbench for long videos',
    '',
    'usage: tokenscope <command> [options]',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "'tokenscope <command> --help' shows a command's options.",
  ].join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help())
    return 0
  }
  const command = commands[name]
  if (!command) {
    console.error(`tokenscope: unknown command '${name}'\n\n${help()}`)
    return 2
  }
  let parsed
  try {
    parsed = parseArgs({ args: rest, options: { ...common, ...command.options }, allowPositionals: true, strict: true })
  } catch (e) {
    console.error(`tokenscope ${name}: ${(e as Error).message}\nusage: tokenscope ${command.usage}`)
    return 2
  }
  const values = parsed.values as CommandContext['values']
  if (values.help) {
    console.log(`usage: tokenscope ${command.usage}\n\n${command.summary}`)
    return 0
  }
  const json = Boolean(values.json)
  const ctx: CommandContext = {
    json,
    positionals: parsed.positionals,
    values,
    out: (data, text) => console.log(json ? JSON.stringify(data, jsonReplacer, 2) : text()),
  }
  try {
    await command.run(ctx)
    return 0
  } catch (e) {
    const { message, expected } = describeError(e)
    if (json) console.log(JSON.stringify({ error: message }))
    console.error(`tokenscope ${name}: ${message}`)
    if (values.debug || !expected) console.error((e as Error)?.stack ?? '')
    return e instanceof InterruptedError ? e.exitCode : 1
  }
}

/** Typed arrays print as arrays in --json output; Infinity as null. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>)
  if (typeof value === 'number' && !Number.isFinite(value)) return null
  return value
}

const isEntry = process.argv[1] && /cli\.(js|ts|mjs)$/.test(process.argv[1])
if (isEntry) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code))
}
