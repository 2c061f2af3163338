// The PostgreSQL migrations: they bring an empty database to the latest version once (a second run, or a second node
// starting at the same moment, applies nothing), and end with the same tables and columns as the SQLite migrations.
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../../tests/support/postgres-server.ts';
import { droppedRecordKeys } from './migration-15-records-without-hot-keys.ts';
import { latestSchemaVersion, migrate } from './migrations.ts';
import { migratePostgres, pgSchemaVersion } from './pg-migrate.ts';
import { postgresDb } from './postgres-db.ts';

describe('PostgreSQL migrations', () => {
  it('migrate once even when two nodes start together, to the same schema as SQLite', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const [a, b] = [postgresDb(url), postgresDb(url)];
    try {
      const applied = await Promise.all([migratePostgres(a), migratePostgres(b)]);
      expect(applied.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: latestSchemaVersion }, (_, i) => i + 1));
      expect(await pgSchemaVersion(a)).toBe(latestSchemaVersion);
      expect(await migratePostgres(a)).toEqual([]);

      const pgColumns = await a.all<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name, ordinal_position`,
      );
      const sqlite = new Database(':memory:');
      migrate(sqlite);
      const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[];
      const sqliteColumns = tables.flatMap(({ name }) =>
        (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).map((c) => ({ table_name: name, column_name: c.name })),
      );
      sqlite.close();
      const key = (c: { table_name: string; column_name: string }) => `${c.table_name}.${c.column_name}`;
      expect(pgColumns.map(key)).toEqual(sqliteColumns.map(key));
      // Migration 14: applied_ops has its primary key only — no device index, no foreign key to check per op.
      expect(await a.all(`SELECT indexname FROM pg_indexes WHERE tablename = 'applied_ops' ORDER BY indexname`)).toEqual([{ indexname: 'applied_ops_pkey' }]);
      expect(await a.all(`SELECT conname FROM pg_constraint WHERE conrelid = 'applied_ops'::regclass AND contype = 'f'`)).toEqual([]);
      // Migration 15: the record tables a push fills have no foreign keys; the tables around them keep theirs.
      const keysOf = async (table: string) =>
        (await a.all<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE conrelid = CAST(? AS regclass) AND contype = 'f'`, [table])).map((r) => r.conname);
      for (const table of Object.keys(droppedRecordKeys)) expect(await keysOf(table)).toEqual([]);
      expect(await keysOf('quizzes')).toEqual(['quizzes_lesson_id_fkey']);
      expect((await keysOf('exam_submissions')).sort()).toEqual(['exam_submissions_classroom_id_fkey', 'exam_submissions_exam_id_fkey', 'exam_submissions_student_id_fkey']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
