// SqlDb over a pg connection pool (node-postgres: the most used PostgreSQL driver for Node, pure JS, with pools,
// transactions on a checked-out client and typed errors carrying SQLSTATE codes). Several hub nodes share one
// database through it. Statements are written with `?`; they are numbered ($1, $2, ...) here, once per statement text.
import pg from 'pg';
import { isTransactionConflict, TransactionAborted, type SqlDb, type SqlParams } from './sql-db.ts';
import { backoffMs } from '../../../src/shared/backoff.ts';

export type PostgresDb = SqlDb & { readonly pool: pg.Pool };

const numbered = new Map<string, string>();

/** `?` → `$n`, outside quoted strings, identifiers and comments. Exported for its table test. */
export function numberPlaceholders(sql: string): string {
  const cached = numbered.get(sql);
  if (cached !== undefined) return cached;
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql.charAt(i);
    if (quote) {
      if (quote === '\n' ? ch === '\n' : ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '-' && sql.charAt(i + 1) === '-') {
      quote = '\n';
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  numbered.set(sql, out);
  return out;
}

// COUNT(*) and BIGINT ids arrive as int8, SUM as numeric: as numbers, like SQLite gives them (ids stay far below 2^53).
const toNumber = (text: string) => Number(text);
const builtIn = (oid: number, format: 'text' | 'binary'): ((value: string) => unknown) => pg.types.getTypeParser(oid, format) as (value: string) => unknown;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 || oid === 1700 ? toNumber : builtIn(oid, format ?? 'text'))) as typeof pg.types.getTypeParser,
};

const MAX_ATTEMPTS = 8;
/** Pause before retry `attempt` of a whole transaction: the shared backoff, 10 ms doubling to 100 ms, jittered so two
 *  transactions that deadlocked do not meet again in step. */
export const transactionRetryMs = (attempt: number, random: () => number): number => backoffMs(attempt, random, { minMs: 10, maxMs: 100 });

type Queryable = pg.Pool | pg.PoolClient;

// Statements with parameters run as named prepared statements: each connection parses one once instead of on every
// call (planning stays per call: postgresDb below). Named per statement text; a text built on the fly (not one of the
// hub's fixed statements) past the cap runs unnamed, so a connection's prepared statements stay bounded.
const MAX_NAMED = 500;
const statementNames = new Map<string, string>();
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED) statementNames.set(text, (name = `ykt${statementNames.size + 1}`));
  return name;
}

function handle(on: Queryable): Omit<SqlDb, 'transaction' | 'close'> {
  const query = (sql: string, params: SqlParams = []) => {
    const text = numberPlaceholders(sql);
    const name = params.length > 0 ? statementName(text) : undefined;
    return on.query(name === undefined ? { text, values: [...params] } : { name, text, values: [...params] });
  };
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params?: SqlParams) => (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params?: SqlParams) => (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    exec: async (sql) => void (await on.query(sql)),
  };
}

function inTransaction(client: pg.PoolClient, depth: number): SqlDb {
  return {
    ...handle(client),
    async transaction(fn) {
      const savepoint = `sp${depth}`;
      await client.query(`SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(inTransaction(client, depth + 1));
        await client.query(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        if (error instanceof TransactionAborted) throw error;
        try {
          await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
          await client.query(`RELEASE SAVEPOINT ${savepoint}`);
        } catch {
          throw new TransactionAborted(error);
        }
        // A deadlock or serialization failure dooms the whole transaction's snapshot: retry it from the top.
        if (isRetryable(error)) throw new TransactionAborted(error);
        throw error;
      }
    },
    close: () => Promise.reject(new Error('close the database, not a transaction')),
  };
}

function isRetryable(error: unknown): boolean {
  return isTransactionConflict(error instanceof TransactionAborted ? error.cause : error);
}

export type PostgresDbOptions = {
  /** Connections per hub node; a node serves many devices with few connections because each holds one only briefly. */
  max?: number;
  /** An idle connection that fails (the server restarted) is reported here instead of stopping the process. */
  onError?: (error: Error) => void;
  /** Randomness for the retry jitter (tests pin it). */
  random?: () => number;
};

export function postgresDb(url: string, options: PostgresDbOptions = {}): PostgresDb {
  // Custom plans only: with the named statements above, PostgreSQL may switch to a cached generic plan, and in a load
  // run the batch's "which of these op ids are applied already" read then took 31 ms a push (97 000 rows in
  // applied_ops); planned per call it took 3 ms with 583 000 rows (README, Figures). Parsing is still saved by the name.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types, options: '-c plan_cache_mode=force_custom_plan' });
  // Never silent: without a handler the reason still reaches stderr as a process warning.
  pool.on('error', (error) => (options.onError ?? ((e: Error) => process.emitWarning(`hub database: idle connection failed: ${e.message}`)))(error));
  return {
    ...handle(pool),
    pool,
    async transaction(fn) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let broken = false;
        let released = false;
        try {
          await client.query('BEGIN');
          const result = await fn(inTransaction(client, 1));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true; // the connection is gone: do not hand it to the next transaction
          }
          if (attempt < MAX_ATTEMPTS && isRetryable(error)) {
            client.release(broken);
            released = true;
            await new Promise((resolve) => setTimeout(resolve, transactionRetryMs(attempt, options.random ?? Math.random)));
            continue;
          }
          throw error instanceof TransactionAborted ? (error.cause instanceof Error ? error.cause : error) : error;
        } finally {
          if (!released) client.release(broken);
        }
      }
    },
    close: () => pool.end(),
  };
}
