// One closing line for the whole suite (unit + e2e), from the runners' JSON reports.
import { readFileSync } from 'node:fs'

const read = (f) => JSON.parse(readFileSync(new URL(`../reports/${f}`, import.meta.url), 'utf8'))
const unit = read('vitest.json')
const e2e = read('playwright.json').stats
const passed = unit.numPassedTests + e2e.expected
const failed = unit.numFailedTests + e2e.unexpected + e2e.flaky
const skipped = unit.numPendingTests + unit.numTodoTests + e2e.skipped
console.log(`unit: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed; e2e: ${e2e.expected} passed, ${e2e.unexpected} failed, ${e2e.skipped} skipped`)
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exitCode = failed ? 1 : 0
