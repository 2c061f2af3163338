// report.termQueryMs: the lead teacher's report for one course over a term across 1 200 receiving classrooms
// (bench/report-term-seed.ts: 48 000 students, 48 000 class-lessons, ~1.9 M attendance marks, ~5.8 M answers), the
// hub's query and summary (hub/features/report/report-query.ts) plus its JSON — what /staff/api/report answers. Median of 3 after
// one warm-up, on SQLite (the default store) and PostgreSQL (a throwaway cluster). Target: ≤ 1 000 ms.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, openPostgres } from '../hub/core/db/open-database.ts';
import type { SqlDb } from '../hub/core/db/sql-db.ts';
import { EVERYTHING } from '../hub/features/report/report-filter.ts';
import { queryReport } from '../hub/features/report/report-query.ts';
import { startPostgresServer } from '../tests/support/postgres-server.ts';
import { seedTerm, TERM, TERM_COURSE, type TermScale } from './report-term-seed.ts';

// REPORT_BENCH_CLASSROOMS scales the term down (a multiple of 40) for a quick look; the figure is for 1 200.
const scale: TermScale = { ...TERM, classrooms: Number(process.env.REPORT_BENCH_CLASSROOMS ?? TERM.classrooms) };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const NOW = new Date('2027-02-01T00:00:00Z');

async function measure(db: SqlDb, label: string): Promise<{ ms: number; seedMs: number }> {
  const seeded = Date.now();
  await seedTerm(db, scale);
  const seedMs = Date.now() - seeded;
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    const view = await queryReport(db, { courseId: TERM_COURSE }, EVERYTHING, NOW);
    rows = JSON.stringify(view).length;
    if (i > 0) times.push(performance.now() - t);
  }
  console.error(`report ${label}: ${times.map((x) => Math.round(x)).join(', ')} ms (JSON ${Math.round(rows / 1024)} KiB; seeded in ${seedMs} ms; ${JSON.stringify(scale)})`);
  return { ms: Math.round(median(times)), seedMs };
}

export async function run(): Promise<Record<string, number | null>> {
  const dir = await mkdtemp(join(tmpdir(), 'report-bench-'));
  const results: Record<string, number | null> = {};
  try {
    const sqlite = openDatabase(join(dir, 'hub.sqlite'));
    try {
      results['report.termQueryMs'] = (await measure(sqlite, 'SQLite')).ms;
    } finally {
      await sqlite.close();
    }
    const server = await startPostgresServer();
    try {
      const pg = await openPostgres(await server.createDatabase());
      try {
        const { ms } = await measure(pg, 'PostgreSQL');
        results['report.termQueryMsPg'] = ms;
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
