// The hub's one store interface: SQLite (better-sqlite3, the embedded default) and PostgreSQL (pg, several hub nodes)
// both implement it, so every repository is written once. SQL is written with `?` placeholders in the dialect both
// engines share (ON CONFLICT ... DO NOTHING / DO UPDATE, RETURNING, excluded.*); the PostgreSQL adapter numbers the
// placeholders once per statement text. Where the engines truly differ, `dialect` says which one runs (few places).

export type SqlValue = string | number | bigint | null | Buffer;
export type SqlParams = readonly SqlValue[];
export type SqlDialect = 'sqlite' | 'postgres';

export type SqlDb = {
  readonly dialect: SqlDialect;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** A write; `changes` is the number of rows it touched. */
  run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction on one connection (`tx`), committed when it resolves and rolled back when it throws.
   * Nested calls are savepoints: a failing inner step rolls back alone and the outer transaction goes on.
   * Use only `tx` inside `fn` (the outer handle waits for the transaction to end, so using it there deadlocks).
   */
  transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/**
 * Thrown by a nested transaction whose rollback to its savepoint failed: the engine already ended the whole transaction
 * (disk full, lost connection), so nothing of it holds and the caller must not go on as if only the inner step failed.
 */
export class TransactionAborted extends Error {
  constructor(override readonly cause: unknown) {
    super(`transaction aborted: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TransactionAborted';
  }
}

/** SQLSTATEs after which the whole transaction may simply run again: serialization_failure, deadlock_detected. */
const CONFLICT_CODES = new Set(['40001', '40P01']);

/** A transaction lost to another one (PostgreSQL): it may simply run again from the top. */
export function isTransactionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONFLICT_CODES.has(code);
}

/** An ISO 8601 text column (any offset) as a comparable instant: the one date function the hub needs from SQL. */
export function sqlInstant(db: Pick<SqlDb, 'dialect'>, expression: string): string {
  return db.dialect === 'postgres' ? `(${expression})::timestamptz` : `julianday(${expression})`;
}

/** A write refused by a foreign key (a row that points at a missing one), in either engine's words. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

export type JsonColumnType = 'text' | 'integer';

/**
 * A table read from one JSON parameter (an array of objects, one per row): bulk statements pass a whole batch's rows
 * in one round trip — `INSERT … SELECT … FROM ${jsonRows(db, cols)} AS input` with `jsonParam(rows)` as its `?`.
 * One statement shape for both engines (json_to_recordset on PostgreSQL, json_each on SQLite).
 */
export function jsonRows(db: Pick<SqlDb, 'dialect'>, columns: Readonly<Record<string, JsonColumnType>>): string {
  const names = Object.keys(columns);
  if (db.dialect === 'postgres') return `(SELECT * FROM json_to_recordset(?::json) AS r(${names.map((n) => `${n} ${columns[n] === 'integer' ? 'bigint' : 'text'}`).join(', ')}))`;
  return `(SELECT ${names.map((n) => `json_extract(value, '$.${n}') AS ${n}`).join(', ')} FROM json_each(?))`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The parameter of jsonRows / inJsonList. A lone UTF-16 surrogate (valid in a JS string, not in UTF-8) becomes U+FFFD,
 * as the drivers store it when it is bound as a plain string: as a JSON escape PostgreSQL would refuse the statement.
 */
export function jsonParam(rows: readonly unknown[]): string {
  // JSON.stringify writes a lone surrogate as the escape \udXXX (lower case) and a paired one as itself: without that
  // escape in the text there is nothing to replace, and the plain stringify is several times faster than one calling a
  // replacer per value (a text that only looks like one, a backslash before 'ud', takes the slow way).
  const plain = JSON.stringify(rows);
  if (!plain.includes('\\ud')) return plain;
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'string' ? value.replace(LONE_SURROGATE, '\uFFFD') : value));
}

/** `column IN (…)` over one JSON parameter (an array of strings): a batch's ids in one round trip, in both engines. */
export function inJsonList(db: Pick<SqlDb, 'dialect'>, column: string): string {
  return db.dialect === 'postgres' ? `${column} IN (SELECT json_array_elements_text(?::json))` : `${column} IN (SELECT value FROM json_each(?))`;
}

/** A write refused by a UNIQUE or primary key constraint, in either engine's words. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
