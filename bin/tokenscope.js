#!/usr/bin/env node
// The `tokenscope` command: runs the built CLI (npm install builds it; `npm run build` rebuilds).
import { existsSync } from 'node:fs'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  console.error("tokenscope: the app is not built yet; run 'npm run build' in the project folder")
  process.exit(1)
}
const { main } = await import(cli.href)
process.exitCode = await main(process.argv.slice(2))
