// report.termQueryMs: a county admin opens the lead school's report for one course over a whole term across 1 200
// receiving classrooms (bench/report-term-seed.ts: 48 000 students, 48 000 class-lessons, ~1.9 M attendance marks,
// ~5.8 M answers): the summary /staff/api/report answers first (hub/features/report/report-summary-query.ts) and its JSON, on
// SQLite (the default store) and PostgreSQL (a throwaway cluster). Target: ≤ 1 000 ms.
//  - termQueryMs / termQueryMsPg, steady: median of 5, each after one lesson's 40 classes pushed again (their pairs
//    marked, so the request recomputes them itself), once the aggregates are built.
//  - termQueryColdMs / termQueryColdMsPg: the first request right after the seed, every pair marked (an upgraded hub's
//    first report): it recomputes its bounded share and answers with `pending`.
//  - termBackfillMs / termBackfillMsPg: the background refresher's drain of those marks (report-refresher.ts).
//  - lessonClassesMs / lessonClassesMsPg: the detail the page asks for next, one lesson's 40 class rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, openPostgres } from '../hub/core/db/open-database.ts';
import type { SqlDb } from '../hub/core/db/sql-db.ts';
import { EVERYTHING } from '../hub/features/report/report-filter.ts';
import { queryClassesPage } from '../hub/features/report/report-query.ts';
import { startReportRefresher } from '../hub/features/report/report-refresher.ts';
import { queryReportSummary } from '../hub/features/report/report-summary-query.ts';
import { startPostgresServer } from '../tests/support/postgres-server.ts';
import { seedTerm, TERM, type TermScale } from './report-term-seed.ts';

// REPORT_BENCH_CLASSROOMS scales the term down (a multiple of 40) for a quick look; the figure is for 1 200.
const scale: TermScale = { ...TERM, classrooms: Number(process.env.REPORT_BENCH_CLASSROOMS ?? TERM.classrooms) };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const NOW = new Date('2027-02-01T00:00:00Z');

async function measure(db: SqlDb, label: string): Promise<Record<string, number>> {
  const seeded = Date.now();
  await seedTerm(db, scale);
  const seedMs = Date.now() - seeded;
  const summary = async () => JSON.stringify(await queryReportSummary(db, {}, EVERYTHING, NOW));
  let t = performance.now();
  const cold = JSON.parse(await summary()) as { pending: number };
  const coldMs = performance.now() - t;
  t = performance.now();
  const refresher = startReportRefresher(db, { onError: (error) => console.error(error) });
  const drained = refresher.drained();
  await drained;
  await refresher.stop();
  const backfillMs = performance.now() - t;
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    // A lesson's classes pushed again since the last look: the request recomputes their pairs.
    await db.run(`INSERT INTO report_dirty (lesson_id, classroom_id, mark) SELECT lesson_id, classroom_id, ? FROM lesson_audience WHERE lesson_id = ? ON CONFLICT (lesson_id, classroom_id) DO UPDATE SET mark = excluded.mark`, [`again-${i}`, `les-${i}`]);
    t = performance.now();
    bytes = (await summary()).length;
    times.push(performance.now() - t);
  }
  const detail: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    JSON.stringify(await queryClassesPage(db, { lessonId: `les-${i + 7}` }, EVERYTHING, NOW, 1));
    detail.push(performance.now() - t);
  }
  console.error(
    `report ${label}: cold ${Math.round(coldMs)} ms (${cold.pending} pairs pending), backfill ${Math.round(backfillMs)} ms, steady ${times.map((x) => Math.round(x)).join(', ')} ms (JSON ${Math.round(bytes / 1024)} KiB), one lesson's classes ${detail.map((x) => Math.round(x)).join(', ')} ms; seeded in ${seedMs} ms; ${JSON.stringify(scale)}`,
  );
  return { ms: Math.round(median(times)), coldMs: Math.round(coldMs), backfillMs: Math.round(backfillMs), classesMs: Math.round(median(detail)) };
}

export async function run(): Promise<Record<string, number | null>> {
  const dir = await mkdtemp(join(tmpdir(), 'report-bench-'));
  const results: Record<string, number | null> = {};
  try {
    const sqlite = openDatabase(join(dir, 'hub.sqlite'));
    try {
      const m = await measure(sqlite, 'SQLite');
      results['report.termQueryMs'] = m.ms ?? null;
      results['report.termQueryColdMs'] = m.coldMs ?? null;
      results['report.termBackfillMs'] = m.backfillMs ?? null;
      results['report.lessonClassesMs'] = m.classesMs ?? null;
    } finally {
      await sqlite.close();
    }
    const server = await startPostgresServer();
    try {
      const pg = await openPostgres(await server.createDatabase());
      try {
        const m = await measure(pg, 'PostgreSQL');
        results['report.termQueryMsPg'] = m.ms ?? null;
        results['report.termQueryColdMsPg'] = m.coldMs ?? null;
        results['report.termBackfillMsPg'] = m.backfillMs ?? null;
        results['report.lessonClassesMsPg'] = m.classesMs ?? null;
      } finally {
        await pg.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
