// The store a test hub runs on: SQLite in a temp file (the unit project), or a fresh PostgreSQL database on the
// cluster the "pg" project's global setup started (HUB_TEST_DB=postgres), so the same API tests run on both.
import { join } from 'node:path';
import { inject } from 'vitest';
import { createDatabase } from '../../tests/support/postgres-server.ts';
import { openDatabase, openPostgres } from '../core/db/open-database.ts';
import type { SqlDb } from '../core/db/sql-db.ts';

export const testStoreKind = (): 'postgres' | 'sqlite' => (process.env.HUB_TEST_DB === 'postgres' ? 'postgres' : 'sqlite');

export async function openTestStore(dir: string): Promise<SqlDb> {
  if (testStoreKind() === 'sqlite') return openDatabase(join(dir, 'hub.sqlite'));
  return openPostgres(await createDatabase(inject('postgresUrl')), { max: 4 });
}
