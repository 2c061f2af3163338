// Every outbox row is parsed when read, like a job queue that can be trusted with a poison message: IndexedDB holds what
// older versions wrote, what a backup restored, and whatever a failing disk returns. A row that does not parse is
// reported as broken (and becomes a failed op), never a crash, and never sent.
import { z } from 'zod';
import { Id, Op } from '../../shared/protocol.ts';
import type { OutboxFailureCode, OutboxRow } from './app-db.ts';

/** A parsed row: its key is known and its op is a valid protocol op without the sequence number. */
export type OutboxEntry = OutboxRow & { seq: number };
/** A row that does not parse: its key, why, and what is stored (for 导出). */
export type BrokenOutboxRow = { seq: number; reason: string; raw: unknown };
export type ReadOutboxRow = { ok: true; row: OutboxEntry } | { ok: false; broken: BrokenOutboxRow };

const FailureCode = z.enum(['rejected', 'unacknowledged', 'unreadable'] satisfies [OutboxFailureCode, ...OutboxFailureCode[]]);

const StoredRow = z.object({
  id: Id,
  op: z.record(z.string(), z.unknown()),
  // 'rejected': rows written before ops could fail (and backups of them); read as failed.
  status: z.enum(['pending', 'failed', 'rejected']),
  createdAt: z.string().max(40),
  attempts: z.number().int().min(0),
  retryAt: z.number().finite().optional(),
  lastError: z.object({ code: FailureCode, detail: z.string().max(2000), at: z.string().max(40) }).optional(),
  /** The hub's reason, as rows before `lastError` stored it. */
  reason: z.string().max(2000).optional(),
});

export function readOutboxRow(seq: number, raw: unknown): ReadOutboxRow {
  const stored = StoredRow.safeParse(raw);
  if (!stored.success) return broken(seq, raw, stored.error);
  const op = Op.safeParse({ ...stored.data.op, seq });
  if (!op.success) return broken(seq, raw, op.error, 'op.');
  if (op.data.id !== stored.data.id) return { ok: false, broken: { seq, raw, reason: `unreadable row: op id ${op.data.id} is not the row's id ${stored.data.id}`.slice(0, 500) } };
  const { id, status, createdAt, attempts, retryAt, lastError, reason } = stored.data;
  const row: OutboxEntry = {
    seq,
    id,
    op: withoutSeq(op.data),
    status: status === 'pending' ? 'pending' : 'failed',
    createdAt,
    attempts,
    ...(retryAt === undefined ? {} : { retryAt }),
  };
  const failure = lastError ?? (status === 'rejected' ? { code: 'rejected' as const, detail: reason ?? '', at: createdAt } : undefined);
  if (failure) row.lastError = failure;
  return { ok: true, row };
}

/** Reads many stored rows with their keys (as `primaryKeys()` and `bulkGet` return them). */
export function readOutboxRows(keys: readonly number[], raws: readonly unknown[]) {
  const rows: OutboxEntry[] = [];
  const brokenRows: BrokenOutboxRow[] = [];
  keys.forEach((seq, i) => {
    const read = readOutboxRow(seq, raws[i]);
    if (read.ok) rows.push(read.row);
    else brokenRows.push(read.broken);
  });
  return { rows, broken: brokenRows };
}

function withoutSeq(op: Op): OutboxRow['op'] {
  return Object.fromEntries(Object.entries(op).filter(([key]) => key !== 'seq')) as OutboxRow['op'];
}

function broken(seq: number, raw: unknown, error: z.ZodError, prefix = ''): ReadOutboxRow {
  const issue = error.issues[0];
  const where = issue ? `${prefix}${issue.path.join('.')}`.replace(/\.$/, '') : '';
  return { ok: false, broken: { seq, raw, reason: `unreadable row${where ? ` (${where})` : ''}: ${issue?.message ?? 'invalid'}`.slice(0, 500) } };
}
