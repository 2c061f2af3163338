// A SqlDb that counts the round trips made through it (statements, and the BEGIN/COMMIT or SAVEPOINT/RELEASE of each
// transaction), so a test can bound what one push costs the database — on PostgreSQL every one is a network round trip.
import type { SqlDb } from '../core/db/sql-db.ts';

export type CountingDb = { db: SqlDb; readonly count: number; reset(): void };

export function countingDb(inner: SqlDb): CountingDb {
  let count = 0;
  const wrap = (on: SqlDb): SqlDb => ({
    dialect: on.dialect,
    all: (sql, params) => (count++, on.all(sql, params)),
    get: (sql, params) => (count++, on.get(sql, params)),
    run: (sql, params) => (count++, on.run(sql, params)),
    exec: (sql) => (count++, on.exec(sql)),
    transaction: (fn) => ((count += 2), on.transaction((tx) => fn(wrap(tx)))),
    close: () => on.close(),
  });
  return {
    db: wrap(inner),
    get count() {
      return count;
    },
    reset: () => void (count = 0),
  };
}
