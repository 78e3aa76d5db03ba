import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['common/**/*.test.ts', 'main/**/*.test.ts', 'tests/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
})
