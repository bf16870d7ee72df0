import { defineConfig } from 'vitest/config';

/** Unit tests: tests/unit mirrors the source folders. Node environment; real temp repos, no network. */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
