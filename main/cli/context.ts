/** What every command receives from the command line (index.ts parses it). */
export interface CommandContext {
  json: boolean
  positionals: string[]
  values: Record<string, string | boolean | string[] | undefined>
  /** Writes a result: JSON when --json, else the human text. */
  out(json: unknown, text: () => string): void
}
