// SqlDb over better-sqlite3. better-sqlite3 is synchronous and has one connection, so a transaction whose steps await
// (the repositories are async for PostgreSQL's sake) would let another request's statements run inside it; this adapter
// therefore lets one transaction run at a time and makes statements from outside wait until it ends.
import type Database from 'better-sqlite3';
import { TransactionAborted, type SqlDb, type SqlParams } from './sql-db.ts';

export type SqliteDb = SqlDb & { readonly raw: Database.Database };

const STATEMENT_CACHE = 500; // the hub has about 150 distinct statements; a bound keeps a bug from growing it for ever

export function sqliteDb(raw: Database.Database): SqliteDb {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = raw.prepare(sql);
      if (statements.size >= STATEMENT_CACHE) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
  };
  const ops = {
    all: <T>(sql: string, params: SqlParams = []) => prepare(sql).all(...params) as T[],
    get: <T>(sql: string, params: SqlParams = []) => prepare(sql).get(...params) as T | undefined,
    run: (sql: string, params: SqlParams = []) => ({ changes: prepare(sql).run(...params).changes }),
    exec: (sql: string) => void raw.exec(sql),
  };

  // Resolves when the running transaction ends; null when none runs.
  let busy: Promise<void> | null = null;
  const idle = async () => {
    while (busy) await busy;
  };

  const inTransaction = (depth: number): SqlDb => ({
    dialect: 'sqlite',
    all: async (sql, params) => ops.all(sql, params),
    get: async (sql, params) => ops.get(sql, params),
    run: async (sql, params) => ops.run(sql, params),
    exec: async (sql) => ops.exec(sql),
    async transaction(fn) {
      const savepoint = `sp${depth}`;
      raw.exec(`SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(inTransaction(depth + 1));
        raw.exec(`RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        try {
          raw.exec(`ROLLBACK TO ${savepoint}`);
          raw.exec(`RELEASE ${savepoint}`);
        } catch {
          throw new TransactionAborted(error); // SQLite already rolled the whole transaction back
        }
        throw error;
      }
    },
    close: () => Promise.reject(new Error('close the database, not a transaction')),
  });

  return {
    dialect: 'sqlite',
    raw,
    all: async (sql, params) => (await idle(), ops.all(sql, params)),
    get: async (sql, params) => (await idle(), ops.get(sql, params)),
    run: async (sql, params) => (await idle(), ops.run(sql, params)),
    exec: async (sql) => (await idle(), ops.exec(sql)),
    async transaction(fn) {
      await idle();
      let end = () => {};
      busy = new Promise((resolve) => (end = resolve));
      try {
        raw.exec('BEGIN IMMEDIATE');
        const result = await fn(inTransaction(1));
        raw.exec('COMMIT');
        return result;
      } catch (error) {
        if (raw.inTransaction) raw.exec('ROLLBACK');
        throw error;
      } finally {
        busy = null;
        end();
      }
    },
    async close() {
      await idle();
      raw.close();
    },
  };
}
