import { defineConfig } from 'vitest/config';

// One runner for everything, split into projects so each runs with fitting timeouts:
// unit (pure modules, hub API on real SQLite + HTTP), net (the weak-link harness), e2e (real Chromium + real hub).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'hub/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/packaging/**/*.test.ts', 'tests/integration/**/*.test.ts'], environment: 'node', testTimeout: 20_000 } },
      { test: { name: 'net', include: ['tests/net/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], environment: 'node', testTimeout: 240_000, hookTimeout: 240_000, fileParallelism: false } },
    ],
  },
});
