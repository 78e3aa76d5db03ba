import { defineConfig } from 'vitest/config'

/**
 * The fault suite (`npm run test:faults`): the built CLI and the stores under kills, crashes, full
 * disks and damaged files. Kept out of the plain unit run (vitest.config.ts excludes tests/faults)
 * so nothing runs twice; its reporter prints "fault scenarios: N run, N passed".
 */
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.fault.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default', './tests/faults/support/scenario-reporter.ts'],
  },
})
