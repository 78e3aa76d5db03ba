import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['common/**/*.test.ts', 'main/**/*.test.ts', 'tests/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    // The fault suite has its own run (vitest.faults.config.ts, `npm run test:faults`).
    exclude: ['**/node_modules/**', 'tests/faults/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
})
