// Opens the hub's store: the SQLite file (the default: `npm start`, a county hub) with the settings a long-running
// server wants, or PostgreSQL when HUB_DATABASE_URL names one (several hub nodes sharing one database), and brings the
// schema up to date. Both are the one SqlDb interface (sql-db.ts) every repository is written against.
import Database from 'better-sqlite3';
import { migrate } from './migrations.ts';
import { migratePostgres } from './pg-migrate.ts';
import { postgresDb, type PostgresDbOptions } from './postgres-db.ts';
import type { SqlDb } from './sql-db.ts';
import { sqliteDb, type SqliteDb } from './sqlite-db.ts';

export type HubDatabase = SqlDb;

/** The SQLite file itself, migrated (migration tests and tools that need SQLite's own API). */
export function openSqliteFile(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL'); // readers never wait for the writer; survives kill -9 without a corrupt file
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function openDatabase(file: string): SqliteDb {
  return sqliteDb(openSqliteFile(file));
}

export async function openPostgres(url: string, options: PostgresDbOptions = {}): Promise<SqlDb> {
  const db = postgresDb(url, options);
  try {
    await migratePostgres(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** PostgreSQL when `databaseUrl` is given (postgres:// or postgresql://), else the SQLite file. */
export async function openHubDatabase(options: { databaseUrl?: string | undefined; sqliteFile: string; onError?: (error: Error) => void; poolSize?: number }): Promise<SqlDb> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, { ...(options.onError ? { onError: options.onError } : {}), ...(options.poolSize ? { max: options.poolSize } : {}) });
  return openDatabase(options.sqliteFile);
}
