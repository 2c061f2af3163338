// Keeps the report's aggregates fresh in the background, so no report request recomputes more than a small bound: every
// `everyMs` it looks for marked pairs (pushes mark them, hub/features/records/report-marks.ts) and recomputes them a
// chunk a transaction until none is left, yielding to the event loop between chunks (SQLite runs on it). An upgraded
// hub's backfill (migration 13 marks every pair it holds) is this same drain, started at once when the hub starts.
import type { SqlDb } from '../../core/db/sql-db.ts';
import { refreshReportAggregates } from './report-aggregates.ts';
import { backgroundTimers } from '../../core/background-timers.ts';
import type { Timers } from '../../../src/shared/timers.ts';

export type ReportRefresher = { stop(): Promise<void>; /** Resolves once nothing is marked (tests, bench). */ drained(): Promise<void> };

const EVERYWHERE = { sql: '1 = 1', params: [] };
const ANALYZE_AFTER = 5_000;

export function startReportRefresher(
  db: SqlDb,
  options: { everyMs?: number; chunk?: number; timers?: Timers; onError: (error: unknown) => void },
): ReportRefresher {
  const { everyMs = 2_000, chunk = 500, timers = backgroundTimers, onError } = options;
  let stopped = false;
  let handle: unknown = null;
  let running: Promise<void> = Promise.resolve();
  let waiters: (() => void)[] = [];

  async function drain() {
    let total = 0;
    for (;;) {
      if (stopped) return;
      // One chunk a round, then back to the event loop: requests and pushes run in between.
      const { done, pending } = await refreshReportAggregates(db, EVERYWHERE, chunk, chunk, true);
      total += done;
      if (done === 0 || pending === 0) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // After a backfill PostgreSQL's planner still believes the tables empty until autovacuum gets to them (the summary
    // ran 3.7 s → 0.9 s at 1 200 classes as it did): tell it now.
    if (total >= ANALYZE_AFTER && db.dialect === 'postgres') await db.exec('ANALYZE report_class_lesson; ANALYZE report_question');
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  }

  function tick() {
    handle = null;
    running = drain()
      .catch(onError)
      .finally(() => {
        if (!stopped) handle = timers.setTimeout(tick, everyMs);
      });
  }
  handle = timers.setTimeout(tick, 0);

  return {
    async stop() {
      stopped = true;
      if (handle !== null) timers.clearTimeout(handle);
      await running;
    },
    drained: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
      }),
  };
}
