// The migrations of migrations.ts on PostgreSQL, tracked in schema_migrations (PostgreSQL has no user_version). Several
// hub nodes may start at once against one database: an advisory lock makes one of them migrate while the others wait,
// then find nothing left to do.
import { latestSchemaVersion, migrations } from './migrations.ts';
import type { SqlDb } from './sql-db.ts';

const MIGRATION_LOCK = 0x796b6d67; // any constant shared by every node: 'ykmg'

export async function pgSchemaVersion(db: SqlDb): Promise<number> {
  const row = await db.get<{ version: number | null }>(`SELECT max(version) AS version FROM schema_migrations`);
  return row?.version ?? 0;
}

export async function migratePostgres(db: SqlDb, target = latestSchemaVersion): Promise<number[]> {
  return db.transaction(async (tx) => {
    // The lock first: even CREATE TABLE IF NOT EXISTS races when two nodes run it at once.
    await tx.get(`SELECT pg_advisory_xact_lock(?)`, [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const current = await pgSchemaVersion(tx);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current || migration.version > target) continue;
      // One savepoint each: with the lock held across all of them, a failing migration still leaves the earlier ones.
      await tx.transaction(async (step) => {
        await step.exec(migration.postgres ?? migration.sql);
        await step.run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, [migration.version, migration.name, new Date().toISOString()]);
      });
      applied.push(migration.version);
    }
    return applied;
  });
}
