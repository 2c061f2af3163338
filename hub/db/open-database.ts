// Opens the hub's SQLite file with the settings a long-running server wants, then brings the schema up to date.
import Database from 'better-sqlite3';
import { migrate } from './migrations.ts';

export type HubDatabase = Database.Database;

export function openDatabase(file: string): HubDatabase {
  const db = new Database(file);
  db.pragma('journal_mode = WAL'); // readers never wait for the writer; survives kill -9 without a corrupt file
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
