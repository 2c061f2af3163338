// LOAD_PROFILE: where PostgreSQL's time went, from pg_stat_statements (loaded by the load run's throwaway server):
// the statements that took the most planning plus execution time, per call and in total.
import pg from 'pg';

export async function statementTimes(url: string, setUp?: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (setUp) {
      await client.query(setUp);
      return [];
    }
    const { rows } = await client.query<{ calls: string; plan_ms: number; exec_ms: number; rows: string; query: string }>(
      `SELECT calls, total_plan_time AS plan_ms, total_exec_time AS exec_ms, rows, query FROM pg_stat_statements
       ORDER BY total_plan_time + total_exec_time DESC LIMIT 12`,
    );
    const all = rows.reduce((s, r) => s + r.plan_ms + r.exec_ms, 0);
    return [
      `PostgreSQL statements, top 12 by time (${Math.round(all)} ms in all of them):`,
      ...rows.map((r) => `  ${Math.round(r.plan_ms + r.exec_ms)} ms (plan ${Math.round(r.plan_ms)}) over ${r.calls} calls, ${r.rows} rows: ${r.query.replace(/\s+/g, ' ').slice(0, 140)}`),
    ];
  } finally {
    await client.end();
  }
}

/** The load database's size on disk, tables and indexes (e.g. "612 MB"). */
export async function databaseSize(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
    return rows[0]?.size ?? '?';
  } finally {
    await client.end();
  }
}
