import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The processes under test run from dist/: refuse a build older than the sources the tests import.
    globalSetup: ['test/setup/built-is-current.ts'],
    // Integration tests start real processes; two cores run two files at a time comfortably.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
  },
});
