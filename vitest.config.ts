import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'data/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real brokers, databases and ffmpeg processes; two cores are all we have.
    pool: 'forks',
    maxWorkers: 2,
  },
});
