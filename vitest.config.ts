import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // 2-core machine: keep parallelism modest so e2e child processes are not starved.
    maxWorkers: 2,
  },
});
