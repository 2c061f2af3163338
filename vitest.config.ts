import { defineConfig } from 'vitest/config';

// One runner for everything, split into projects so each runs with fitting timeouts:
// unit (pure modules, hub API on real SQLite + HTTP), pg (the hub API suite again on a real PostgreSQL, plus the
// multi-node store tests), net (the weak-link harness), e2e (real Chromium + real hub).
const hubApiSuite = [
  'hub/features/records/sync-routes.test.ts',
  'hub/core/http/access-groups.test.ts',
  'hub/county/create-hub.test.ts',
  'hub/county/rate-limits.test.ts',
  'hub/county/hostile-requests.test.ts',
  'hub/features/content/content-routes.test.ts',
  'hub/features/timetable/change-log-skip.test.ts',
  'tests/integration/clock-skew.test.ts',
  'hub/features/report/staff-report.test.ts',
  'hub/features/report/report-aggregates.test.ts',
  'hub/features/research/research.test.ts',
  'hub/features/staff/change-password.test.ts',
];
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'hub/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/packaging/**/*.test.ts', 'tests/integration/**/*.test.ts'], exclude: ['**/*.pg.test.ts', '**/node_modules/**'], environment: 'node', testTimeout: 20_000 } },
      {
        test: {
          name: 'pg',
          include: [...hubApiSuite, 'hub/**/*.pg.test.ts'],
          env: { HUB_TEST_DB: 'postgres' },
          globalSetup: ['tests/support/postgres-global-setup.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'net', include: ['tests/net/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], environment: 'node', testTimeout: 240_000, hookTimeout: 240_000, fileParallelism: false } },
    ],
  },
});
