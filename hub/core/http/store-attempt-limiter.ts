// The failed-attempt limiter (attempt-limiter.ts) with its counters in the hub's store instead of process memory, for
// several hub nodes behind a load balancer: a guesser who reached the limit through node A is refused by node B too.
// Same policy (a fixed window per key from its first failure); one row per (scope, key); the upsert decides atomically
// whether the window has run out, so two nodes counting the same key at once lose no failure.
import type { SqlDb } from '../db/sql-db.ts';
import type { AttemptLimit, AttemptLimiter } from './attempt-limiter.ts';

/** What the routes use: the in-memory limiter (one node) or the store's (several nodes), behind one async shape. */
export type AttemptCounter = {
  retryAfterMs(key: string): Promise<number>;
  recordFailure(key: string): Promise<void>;
};

export function inMemory(limiter: AttemptLimiter): AttemptCounter {
  return {
    retryAfterMs: async (key) => limiter.retryAfterMs(key),
    recordFailure: async (key) => limiter.recordFailure(key),
  };
}

const PRUNE_EVERY = 200; // failures between sweeps of expired rows, so the table stays as small as the live windows

export function storeAttemptLimiter(db: SqlDb, scope: string, limit: AttemptLimit, now: () => number): AttemptCounter {
  let sinceSweep = 0;
  return {
    async retryAfterMs(key) {
      const row = await db.get<{ window_start: number; failures: number }>(`SELECT window_start, failures FROM attempt_failures WHERE scope = ? AND key = ?`, [scope, key]);
      const t = now();
      if (!row || t - row.window_start >= limit.windowMs || row.failures < limit.maxFailures) return 0;
      return row.window_start + limit.windowMs - t;
    },
    async recordFailure(key) {
      const t = now();
      const expired = t - limit.windowMs;
      await db.run(
        `INSERT INTO attempt_failures (scope, key, window_start, failures) VALUES (?, ?, ?, 1)
         ON CONFLICT (scope, key) DO UPDATE SET
           failures = CASE WHEN attempt_failures.window_start <= ? THEN 1 ELSE attempt_failures.failures + 1 END,
           window_start = CASE WHEN attempt_failures.window_start <= ? THEN excluded.window_start ELSE attempt_failures.window_start END`,
        [scope, key, t, expired, expired],
      );
      if (++sinceSweep >= PRUNE_EVERY) {
        sinceSweep = 0;
        await db.run(`DELETE FROM attempt_failures WHERE scope = ? AND window_start <= ?`, [scope, expired]);
      }
    },
  };
}
