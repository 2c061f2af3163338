// Reads and state changes of the outbox after an op was written (records-repo.ts writes it with its record). Every read
// parses each row (outbox-rows.ts); every change of state is one Dexie transaction.
import type { AppDb, OutboxFailure } from './app-db.ts';
import { readOutboxRows, type BrokenOutboxRow, type OutboxEntry } from './outbox-rows.ts';

export type BatchLimits = { maxOps: number; maxBytes: number };

/** Keys are read in chunks so a long outbox is never loaded whole just to pick one batch. */
const READ_CHUNK = 500;

/**
 * The next pending ops that are due (their backoff, if any, has passed), oldest first, within the batch limits; and the
 * pending rows met on the way that do not parse. `skip`: ops already on their way to the hub (a batch in flight).
 */
export async function duePending(
  db: AppDb,
  { maxOps, maxBytes }: BatchLimits,
  nowMs: number,
  skip: ReadonlySet<number> = new Set(),
): Promise<{ rows: OutboxEntry[]; broken: BrokenOutboxRow[] }> {
  const keys = ((await db.outbox.where('status').equals('pending').primaryKeys()) as number[]).filter((k) => !skip.has(k));
  const rows: OutboxEntry[] = [];
  const broken: BrokenOutboxRow[] = [];
  let bytes = 0;
  for (let i = 0; i < keys.length; i += READ_CHUNK) {
    const keysAsked = keys.slice(i, i + READ_CHUNK);
    const raws = await db.outbox.bulkGet(keysAsked);
    // A row gone since its key was read (acknowledged by a batch answered meanwhile) is not a broken row: skip it.
    const chunk = keysAsked.filter((_, k) => raws[k] !== undefined);
    const read = readOutboxRows(chunk, raws.filter((raw) => raw !== undefined));
    broken.push(...read.broken);
    for (const row of read.rows) {
      if (row.status !== 'pending' || (row.retryAt ?? 0) > nowMs) continue;
      bytes += JSON.stringify(row.op).length;
      if (rows.length >= maxOps || (rows.length > 0 && bytes > maxBytes)) return { rows, broken };
      rows.push(row);
    }
  }
  return { rows, broken };
}

/** Rows that do not parse become failed ops, with why; what is stored stays as it is (for 导出). */
export async function markUnreadable(db: AppDb, broken: readonly BrokenOutboxRow[], now: Date): Promise<void> {
  if (broken.length === 0) return;
  await db.transaction('rw', db.outbox, async () => {
    for (const b of broken) {
      const lastError: OutboxFailure = { code: 'unreadable', detail: b.reason, at: now.toISOString() };
      await db.outbox.update(b.seq, { status: 'failed', lastError });
    }
  });
}

export type OutboxChange = { seq: number; status: 'pending' | 'failed'; attempts: number; retryAt?: number; lastError: OutboxFailure };

/** After one answer of the hub: acknowledged ops leave, the others change state — one transaction, nothing else in it. */
export async function settleBatch(db: AppDb, acknowledged: readonly number[], changes: readonly OutboxChange[]): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    await db.outbox.bulkDelete([...acknowledged]);
    for (const { seq, status, attempts, retryAt, lastError } of changes) {
      await db.outbox.update(seq, { status, attempts, retryAt, lastError });
    }
  });
}

export type OutboxView = { pending: OutboxEntry[]; failed: OutboxEntry[]; broken: BrokenOutboxRow[]; total: number };

/** What 同步详情 shows: pending and failed ops, and rows that do not parse (shown as failed). */
export async function readOutbox(db: AppDb, limit = 5000): Promise<OutboxView> {
  const keys = (await db.outbox.orderBy('seq').limit(limit).primaryKeys()) as number[];
  const { rows, broken } = readOutboxRows(keys, await db.outbox.bulkGet(keys));
  return { pending: rows.filter((r) => r.status === 'pending'), failed: rows.filter((r) => r.status === 'failed'), broken, total: await db.outbox.count() };
}

/** 重试: every failed op (and every row that did not parse) is pending again, with a fresh count. Returns how many. */
export async function retryFailed(db: AppDb): Promise<number> {
  return db.transaction('rw', db.outbox, async () => {
    const keys = (await db.outbox.where('status').notEqual('pending').primaryKeys()) as number[];
    for (const seq of keys) await db.outbox.update(seq, { status: 'pending', attempts: 0, retryAt: undefined, lastError: undefined });
    return keys.length;
  });
}

/** 导出: the failed ops as a JSON document IT can keep or send to the lead school (rows that do not parse as stored). */
export async function exportFailed(db: AppDb, deviceId: string, now: Date): Promise<{ count: number; json: string }> {
  const keys = (await db.outbox.where('status').notEqual('pending').primaryKeys()) as number[];
  const pendingKeys = (await db.outbox.where('status').equals('pending').primaryKeys()) as number[];
  const failed = readOutboxRows(keys, await db.outbox.bulkGet(keys));
  const unreadablePending = readOutboxRows(pendingKeys, await db.outbox.bulkGet(pendingKeys)).broken;
  const ops = [
    ...failed.rows.map((r) => ({ seq: r.seq, id: r.id, createdAt: r.createdAt, attempts: r.attempts, lastError: r.lastError ?? null, op: r.op })),
    ...[...failed.broken, ...unreadablePending].map((b) => ({ seq: b.seq, unreadable: b.reason, stored: jsonSafe(b.raw) })),
  ].sort((a, b) => a.seq - b.seq);
  const json = JSON.stringify({ format: 'ykt-failed-ops', version: 1, deviceId, exportedAt: now.toISOString(), ops }, null, 2);
  return { count: ops.length, json };
}

/** What a broken row holds, as JSON if it can be (IndexedDB may return cycles or binary values that JSON cannot hold). */
function jsonSafe(raw: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(raw ?? null)) as unknown;
  } catch {
    return String(raw);
  }
}
