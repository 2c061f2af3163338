// Drains the outbox to the hub in bounded batches, two in flight: while the hub answers one batch, the next is already
// going up, so a long outbox drains at close to the link's rate instead of paying a round trip and a restart of TCP's
// window per batch. Only acknowledged ops (applied, or duplicate = applied before) leave the outbox, in one
// transaction per answer with nothing else. An op the hub does not accept waits out a backoff and is sent
// again a few times, then becomes failed (outbox-retry.ts) — kept and listed, never dropped; it never holds back the
// ops behind it. A row that does not parse is failed at once and never sent. A failed request leaves every row as it
// was, for the sync loop to retry.
import { PUSH_MAX_OPS, type Op, type OpAck } from '../../shared/protocol.ts';
import type { AppDb, OutboxFailure } from '../db/app-db.ts';
import { duePending, markUnreadable, settleBatch, type OutboxChange } from '../db/outbox-repo.ts';
import type { OutboxEntry } from '../db/outbox-rows.ts';
import { afterRefusal, defaultOutboxRetry, type OutboxRetryPolicy } from './outbox-retry.ts';

/** `firstOps`: the first batch is this small and each next one 4× larger (up to maxOps), so bytes are on the wire
 * while the bigger batches behind are still being read and compressed. */
export type PushLimits = { maxOps: number; maxBytes: number; maxBatches: number; inFlight: number; firstOps?: number };
// 2000 ops every hub takes per request (more once the hub says so: PushOptions.maxOps); ~180 bytes of JSON per op
// before gzip (about 27 after).
export const defaultPushLimits: PushLimits = { maxOps: PUSH_MAX_OPS, maxBytes: 1536 * 1024, maxBatches: 40, inFlight: 2, firstOps: 500 };

/** Where the sync tells every change of an op's state and every skipped change (the app's local log). */
export type SyncLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** `maxOps`: ops per request the hub takes, read for every batch (the hub client learns it from the hub's answers). */
export type PushOptions = { limits?: PushLimits; maxOps?: () => number; now?: () => Date; random?: () => number; retry?: OutboxRetryPolicy; log?: SyncLog };
export type PushResult = { sent: number; retrying: number; failed: number };

export async function pushOutbox(db: AppDb, push: (ops: Op[]) => Promise<OpAck[]>, options: PushOptions = {}): Promise<PushResult> {
  const { limits = defaultPushLimits, maxOps, now = () => new Date(), random = Math.random, retry = defaultOutboxRetry, log = () => {} } = options;
  const result: PushResult = { sent: 0, retrying: 0, failed: 0 };
  const sending = new Set<number>(); // seqs of batches in flight: never picked for the next batch
  const window: Promise<void>[] = [];
  let failure: { error: unknown } | null = null;
  let hubUseless = false;

  const settling: Promise<void>[] = [];

  /**
   * One batch: send it; the hub's answer is then settled in the background, so the batch's slot is free for the next
   * one as soon as the answer is in. A failed request changes nothing (the sync loop retries it).
   */
  async function send(rows: OutboxEntry[]): Promise<void> {
    let acks: OpAck[];
    try {
      acks = await push(rows.map(toWire));
    } catch (error) {
      failure ??= { error };
      for (const row of rows) sending.delete(row.seq);
      return;
    }
    settling.push(settle(rows, acks));
  }

  async function settle(rows: OutboxEntry[], acks: OpAck[]): Promise<void> {
    try {
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
      if (rows.every((r) => !byId.has(r.id))) hubUseless = true; // a hub that answers nothing useful: stop, retry later
    } catch (error) {
      failure ??= { error };
    } finally {
      for (const row of rows) sending.delete(row.seq); // settled (or failed to): due again if still pending
    }
  }

  // The next batch is read while the ones before it are on their way, so a slot that frees is filled at once.
  let batchesRead = 0;
  const nextBatch = async () => {
    const most = maxOps?.() ?? limits.maxOps;
    const ramp = limits.firstOps === undefined ? most : Math.min(most, limits.firstOps * 4 ** batchesRead++);
    const due = await duePending(db, { ...limits, maxOps: ramp }, now().getTime(), sending);
    for (const row of due.rows) sending.add(row.seq);
    return due;
  };
  let next = nextBatch();
  for (let batch = 0; batch < limits.maxBatches && failure === null && !hubUseless; batch++) {
    const { rows, broken } = await next;
    if (broken.length > 0) {
      await markUnreadable(db, broken, now());
      for (const b of broken) log('error', `outbox: row #${b.seq} does not parse, moved to the failed list: ${b.reason}`);
      result.failed += broken.length;
    }
    if (rows.length === 0) {
      if (window.length === 0) break;
      await window.shift(); // what is in flight may come back refused and due again later: not now
      await Promise.all(settling.splice(0));
      next = nextBatch();
      continue;
    }
    window.push(send(rows));
    next = nextBatch();
    if (window.length >= Math.max(1, limits.inFlight)) await window.shift();
  }
  // A batch read but not sent (the loop ended): its rows are free again.
  for (const row of (await next.catch(() => ({ rows: [] as OutboxEntry[] }))).rows) sending.delete(row.seq);
  await Promise.all(window);
  await Promise.all(settling);
  if (failure !== null) throw (failure as { error: unknown }).error;
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
