// Drains the outbox to the hub in bounded batches. Only acknowledged ops (applied, or duplicate = applied before) leave
// the outbox, in one transaction with nothing else. An op the hub does not accept waits out a backoff and is sent
// again a few times, then becomes failed (outbox-retry.ts) — kept and listed, never dropped; it never holds back the
// ops behind it. A row that does not parse is failed at once and never sent. A failed request leaves every row as it
// was, for the sync loop to retry.
import { PUSH_MAX_OPS, type Op, type OpAck } from '../../shared/protocol.ts';
import type { AppDb, OutboxFailure } from '../db/app-db.ts';
import { duePending, markUnreadable, settleBatch, type OutboxChange } from '../db/outbox-repo.ts';
import type { OutboxEntry } from '../db/outbox-rows.ts';
import { afterRefusal, defaultOutboxRetry, type OutboxRetryPolicy } from './outbox-retry.ts';

export type PushLimits = { maxOps: number; maxBytes: number; maxBatches: number };
// 2000 ops is the hub's per-request maximum; ~180 bytes of JSON per op before gzip (about 27 after).
export const defaultPushLimits: PushLimits = { maxOps: PUSH_MAX_OPS, maxBytes: 512 * 1024, maxBatches: 40 };

/** Where the sync tells every change of an op's state and every skipped change (the app's local log). */
export type SyncLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export type PushOptions = { limits?: PushLimits; now?: () => Date; random?: () => number; retry?: OutboxRetryPolicy; log?: SyncLog };
export type PushResult = { sent: number; retrying: number; failed: number };

export async function pushOutbox(db: AppDb, push: (ops: Op[]) => Promise<OpAck[]>, options: PushOptions = {}): Promise<PushResult> {
  const { limits = defaultPushLimits, now = () => new Date(), random = Math.random, retry = defaultOutboxRetry, log = () => {} } = options;
  const result: PushResult = { sent: 0, retrying: 0, failed: 0 };
  for (let batch = 0; batch < limits.maxBatches; batch++) {
    const { rows, broken } = await duePending(db, limits, now().getTime());
    if (broken.length > 0) {
      await markUnreadable(db, broken, now());
      for (const b of broken) log('error', `outbox: row #${b.seq} does not parse, moved to the failed list: ${b.reason}`);
      result.failed += broken.length;
    }
    if (rows.length === 0) break;
    const acks = await push(rows.map(toWire)); // throws: nothing changed, the sync loop retries the request
    const byId = new Map(acks.map((a) => [a.id, a]));
    const acknowledged: number[] = [];
    const changes: OutboxChange[] = [];
    for (const row of rows) {
      const ack = byId.get(row.id);
      if (ack?.status === 'applied' || ack?.status === 'duplicate') acknowledged.push(row.seq);
      else changes.push(refused(row, ack, now(), random, retry));
    }
    await settleBatch(db, acknowledged, changes);
    report(changes, rows, log);
    result.sent += acknowledged.length;
    for (const c of changes) result[c.status === 'failed' ? 'failed' : 'retrying']++;
    if (rows.every((r) => !byId.has(r.id))) break; // a hub that answers nothing useful: stop, the loop retries later
  }
  return result;
}

function refused(row: OutboxEntry, ack: OpAck | undefined, now: Date, random: () => number, retry: OutboxRetryPolicy): OutboxChange {
  const lastError: OutboxFailure =
    ack?.status === 'rejected'
      ? { code: 'rejected', detail: ack.reason, at: now.toISOString() }
      : { code: 'unacknowledged', detail: "the hub's answer did not include this op", at: now.toISOString() };
  const attempts = row.attempts + 1;
  const next = afterRefusal(attempts, now.getTime(), random, retry);
  return { seq: row.seq, attempts, lastError, ...next };
}

function report(changes: readonly OutboxChange[], rows: readonly OutboxEntry[], log: SyncLog) {
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const describe = (c: OutboxChange) => `op ${bySeq.get(c.seq)?.id ?? c.seq} (${bySeq.get(c.seq)?.op.type ?? '?'}, try ${c.attempts}): ${c.lastError.code} ${c.lastError.detail}`;
  for (const c of changes) if (c.status === 'failed') log('error', `outbox: ${describe(c)} — moved to the failed list`);
  const retrying = changes.filter((c) => c.status === 'pending');
  const first = retrying[0];
  if (first) log('warn', `outbox: ${retrying.length} op(s) not accepted, retried after a backoff; first ${describe(first)}`);
}

const toWire = (row: OutboxEntry): Op => ({ ...row.op, seq: row.seq });
