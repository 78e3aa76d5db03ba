/** Prints the fault suite's count once every file has run: "fault scenarios: N run, N passed". */
import type { Reporter, TestModule } from 'vitest/node'

export default class ScenarioReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const tests = modules.flatMap((m) => [...m.children.allTests()])
    const run = tests.filter((t) => t.result().state !== 'skipped' && t.result().state !== 'pending')
    const passed = run.filter((t) => t.result().state === 'passed')
    console.log(`\nfault scenarios: ${run.length} run, ${passed.length} passed`)
  }
}
