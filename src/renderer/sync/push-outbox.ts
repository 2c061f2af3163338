// Drains the outbox to the hub in bounded batches. Only acknowledged ops (applied, or duplicate = applied before) leave
// the outbox, in one transaction with nothing else; a rejected op stays, marked with the hub's reason, so nothing the
// teacher entered disappears silently. A failed request leaves every row as it was, to be retried by the sync loop.
import { PUSH_MAX_OPS, type Op, type OpAck } from '../../shared/protocol.ts';
import type { AppDb, OutboxRow } from '../db/app-db.ts';

export type PushLimits = { maxOps: number; maxBytes: number; maxBatches: number };
// 2000 ops is the hub's per-request maximum; ~180 bytes of JSON per op before gzip (about 27 after).
export const defaultPushLimits: PushLimits = { maxOps: PUSH_MAX_OPS, maxBytes: 512 * 1024, maxBatches: 40 };

export async function pushOutbox(db: AppDb, push: (ops: Op[]) => Promise<OpAck[]>, limits = defaultPushLimits): Promise<{ sent: number; rejected: number }> {
  let sent = 0;
  let rejected = 0;
  for (let batch = 0; batch < limits.maxBatches; batch++) {
    const rows = await nextBatch(db, limits);
    if (rows.length === 0) break;
    let acks: OpAck[];
    try {
      acks = await push(rows.map(toWire));
    } catch (error) {
      // Counted only on failure: the success path stays one write (the delete) per batch.
      await db.outbox.bulkUpdate(rows.map((r) => ({ key: r.seq ?? 0, changes: { attempts: r.attempts + 1 } })));
      throw error;
    }
    const byId = new Map(acks.map((a) => [a.id, a]));
    const done = rows.filter((r) => byId.get(r.id)?.status === 'applied' || byId.get(r.id)?.status === 'duplicate');
    const refused = rows.flatMap((r) => {
      const ack = byId.get(r.id);
      return ack?.status === 'rejected' ? [{ key: r.seq ?? 0, changes: { status: 'rejected' as const, reason: ack.reason, attempts: r.attempts + 1 } }] : [];
    });
    await db.transaction('rw', db.outbox, async () => {
      await db.outbox.bulkDelete(done.map((r) => r.seq ?? 0));
      await db.outbox.bulkUpdate(refused);
    });
    sent += done.length;
    rejected += refused.length;
    if (rows.every((r) => !byId.has(r.id))) break; // a hub that answers nothing useful: stop, the loop retries later
  }
  return { sent, rejected };
}

async function nextBatch(db: AppDb, { maxOps, maxBytes }: PushLimits): Promise<OutboxRow[]> {
  const pending = await db.outbox.where('status').equals('pending').limit(maxOps).sortBy('seq');
  const batch: OutboxRow[] = [];
  let bytes = 0;
  for (const row of pending) {
    bytes += JSON.stringify(row.op).length;
    if (batch.length > 0 && bytes > maxBytes) break;
    batch.push(row);
  }
  return batch;
}

const toWire = (row: OutboxRow): Op => ({ ...row.op, seq: row.seq ?? 0 });
