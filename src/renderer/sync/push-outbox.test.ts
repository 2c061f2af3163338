import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Op, OpAck } from '../../shared/protocol.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { exportFailed, readOutbox, retryFailed } from '../db/outbox-repo.ts';
import { createRecords } from '../db/records-repo.ts';
import { defaultOutboxRetry } from './outbox-retry.ts';
import { pushOutbox, type PushOptions } from './push-outbox.ts';

const dbs: AppDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

const T0 = Date.parse('2026-11-25T02:00:00Z');

function setup() {
  const db = openAppDb(`outbox-${crypto.randomUUID()}`);
  dbs.push(db);
  let t = T0;
  const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date((t += 10)) });
  const clock = { ms: T0 + 60_000 };
  const logged: string[] = [];
  const options: PushOptions = { now: () => new Date(clock.ms), random: () => 0.5, log: (level, message) => logged.push(`${level}: ${message}`) };
  return { db, records, clock, logged, options };
}

/** A hub that answers each op by a rule (default: applied), and remembers what it was sent. */
function hub(rule: (op: Op) => OpAck | null = (op) => ({ id: op.id, status: 'applied' })) {
  const sent: Op[][] = [];
  const push = (ops: Op[]) => {
    sent.push(ops);
    return Promise.resolve(ops.flatMap((op) => rule(op) ?? []));
  };
  return { push, sent, ids: () => sent.flat().map((o) => o.id) };
}

const rowsBySeq = async (db: AppDb) => Object.fromEntries((await db.outbox.toArray()).map((r) => [r.seq ?? 0, r]));

describe('push: acknowledged ops leave, nothing else does', () => {
  it('removes only acknowledged ops and sends each op with its sequence', async () => {
    const { db, records, options } = setup();
    for (const s of ['s1', 's2', 's3']) await records.setAttendance('l1', s, 'absent');
    const { push, sent } = hub((op) => (op.seq === 2 ? { id: op.id, status: 'rejected', reason: '学生不在名单中' } : { id: op.id, status: op.seq === 1 ? 'applied' : 'duplicate' }));
    expect(await pushOutbox(db, push, options)).toEqual({ sent: 2, retrying: 1, failed: 0 });
    expect(sent.flat().map((o) => o.seq)).toEqual([1, 2, 3]);
    expect(await db.outbox.toArray()).toMatchObject([{ seq: 2, status: 'pending', attempts: 1, lastError: { code: 'rejected', detail: '学生不在名单中' } }]);
  });

  it('a request that fails changes no row at all (an outage is no op’s fault)', async () => {
    const { db, records, options } = setup();
    await records.setAttendance('l1', 's1', 'absent');
    await records.saveNote({ lessonId: 'l1', anchor: { kind: 'time', seconds: 1 }, text: '讲通分', pause: true });
    const before = await db.outbox.toArray();
    for (let i = 0; i < defaultOutboxRetry.maxAttempts + 2; i++) {
      await expect(pushOutbox(db, () => Promise.reject(new Error('network')), options)).rejects.toThrow('network');
    }
    expect(await db.outbox.toArray()).toEqual(before);
  });

  it('sends bounded batches in order until the outbox is empty', async () => {
    const { db, records, options } = setup();
    for (let i = 0; i < 25; i++) await records.setAttendance('l1', `s${i}`, 'late');
    const { push, sent } = hub();
    await pushOutbox(db, push, { ...options, limits: { maxOps: 10, maxBytes: 1_000_000, maxBatches: 10, inFlight: 2 } });
    expect(sent.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(sent.flat().map((o) => o.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('push: an op the hub does not accept is retried with backoff, capped, then failed — never dropped', () => {
  it.each([
    ['refused by the hub', (op: Op): OpAck | null => ({ id: op.id, status: 'rejected', reason: 'internal error: SqliteError' }), 'rejected'],
    ['left out of the hub’s answer', (): OpAck | null => null, 'unacknowledged'],
  ] as const)('%s', async (_name, answer, code) => {
    const { db, records, clock, logged, options } = setup();
    const poison = await records.setAttendance('l1', 's1', 'absent');
    const original = (await db.outbox.toArray())[0];
    const { push, sent } = hub((op) => (op.id === poison ? answer(op) : { id: op.id, status: 'applied' }));

    // Each round: a new tap behind the poison op goes through at once; the poison op waits out its backoff.
    for (let attempt = 1; attempt <= defaultOutboxRetry.maxAttempts; attempt++) {
      const behind = await records.setAttendance('l1', `t${attempt}`, 'late');
      await pushOutbox(db, push, options);
      expect(sent.at(-1)?.map((o) => o.id)).toEqual([poison, behind]);
      const row = await db.outbox.get(original?.seq ?? 0);
      expect(row).toMatchObject({ id: poison, op: original?.op, createdAt: original?.createdAt, attempts: attempt, lastError: { code } });
      expect(await db.outbox.count()).toBe(1); // everything else left
      if (attempt < defaultOutboxRetry.maxAttempts) {
        expect(row?.status).toBe('pending');
        const waited = (row?.retryAt ?? 0) - clock.ms;
        expect(waited).toBe(60_000 * 2 ** (attempt - 1)); // random 0.5 = the backoff's middle
        await pushOutbox(db, push, options); // too early: not sent again
        expect(sent.at(-1)?.map((o) => o.id)).toEqual([poison, behind]);
        clock.ms += waited;
      } else {
        expect(row?.status).toBe('failed');
        expect(row?.retryAt).toBeUndefined();
      }
    }
    // Failed: never sent again on its own, however much time passes; still stored, listed, logged.
    const rounds = sent.length;
    clock.ms += 24 * 3600_000;
    await pushOutbox(db, push, options);
    expect(sent).toHaveLength(rounds);
    const view = await readOutbox(db);
    expect(view.failed.map((r) => r.id)).toEqual([poison]);
    expect(logged.filter((l) => l.startsWith('error:') && l.includes(poison))).toHaveLength(1);
    expect(logged.filter((l) => l.startsWith('warn:'))).toHaveLength(defaultOutboxRetry.maxAttempts - 1);
  });

  it('重试 puts failed ops back with a fresh count, and they are sent again', async () => {
    const { db, records, options } = setup();
    const id = await records.setAttendance('l1', 's1', 'absent');
    await pushOutbox(db, hub((op) => ({ id: op.id, status: 'rejected', reason: 'no' })).push, { ...options, retry: { ...defaultOutboxRetry, maxAttempts: 1 } });
    expect(await db.outbox.toArray()).toMatchObject([{ status: 'failed', attempts: 1 }]);
    expect(await retryFailed(db)).toBe(1);
    const [row] = await db.outbox.toArray();
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row?.lastError).toBeUndefined();
    const { push, ids } = hub();
    expect(await pushOutbox(db, push, options)).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(ids()).toEqual([id]);
  });
});

describe('push: each row is parsed when read — a row that does not parse is a failed op, not a crash', () => {
  const corruptions: [string, (row: Record<string, unknown>) => unknown][] = [
    ['op missing', ({ op: _op, ...rest }) => rest],
    ['op of an unknown type', (row) => ({ ...row, op: { ...(row.op as object), type: 'attendance.teleport' } })],
    ['op with a bad field', (row) => ({ ...row, op: { ...(row.op as object), status: 'asleep' } })],
    ['op id differs from the row id', (row) => ({ ...row, op: { ...(row.op as object), id: 'someone-else' } })],
    ['attempts not a number', (row) => ({ ...row, attempts: 'many' })],
    ['createdAt missing', ({ createdAt: _c, ...rest }) => rest],
  ];

  it.each(corruptions)('%s', async (_name, corrupt) => {
    const { db, records, logged, options } = setup();
    await records.setAttendance('l1', 's1', 'absent');
    const badId = await records.setAttendance('l1', 's2', 'absent');
    const goodId = await records.setAttendance('l1', 's3', 'absent');
    const stored = (await db.outbox.toArray())[1] as unknown as Record<string, unknown>;
    const corrupted = corrupt(stored) as Record<string, unknown>;
    await db.outbox.put(corrupted as never);
    const { push, ids } = hub();

    expect(await pushOutbox(db, push, options)).toEqual({ sent: 2, retrying: 0, failed: 1 });
    expect(ids()).not.toContain(badId);
    expect(ids()).toContain(goodId);
    // The broken row is kept exactly as stored, marked failed with why.
    const { status, lastError, ...rest } = (await db.outbox.get(2)) as unknown as Record<string, unknown>;
    expect(status).toBe('failed');
    expect(lastError).toMatchObject({ code: 'unreadable' });
    expect(rest).toEqual(Object.fromEntries(Object.entries(corrupted).filter(([k]) => k !== 'status' && k !== 'lastError')));
    expect(logged.some((l) => l.startsWith('error:') && l.includes('row #2'))).toBe(true);

    // 同步详情 lists it as failed; 导出 carries it as stored.
    const view = await readOutbox(db);
    expect(view.broken.map((b) => b.seq)).toEqual([2]);
    const exported = JSON.parse((await exportFailed(db, 'dev_a', new Date(T0))).json) as { ops: { seq: number; unreadable?: string; stored?: unknown }[] };
    expect(exported.ops).toMatchObject([{ seq: 2, unreadable: expect.stringContaining('unreadable row') as string }]);
  });

  it('reads rows written before ops could fail (status "rejected" with a reason) as failed ops', async () => {
    const { db, records, options } = setup();
    const id = await records.setAttendance('l1', 's1', 'absent');
    await db.outbox.update(1, { status: 'rejected' as never, reason: '学生不在名单中' } as never);
    const { push, ids } = hub();
    await pushOutbox(db, push, options);
    expect(ids()).toEqual([]);
    expect((await readOutbox(db)).failed).toMatchObject([{ id, status: 'failed', lastError: { code: 'rejected', detail: '学生不在名单中' } }]);
    await retryFailed(db);
    await pushOutbox(db, push, options);
    expect(ids()).toEqual([id]);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('导出', () => {
  it('writes every failed op with its reason, and nothing pending', async () => {
    const { db, records, options } = setup();
    const refused = await records.setAttendance('l1', 's1', 'absent');
    await pushOutbox(db, hub((op) => ({ id: op.id, status: 'rejected', reason: 'lesson l1 is not on this classroom’s timetable' })).push, { ...options, retry: { ...defaultOutboxRetry, maxAttempts: 1 } });
    await records.setAttendance('l1', 's2', 'late'); // pending: not exported
    const before = await rowsBySeq(db);
    const { count, json } = await exportFailed(db, 'dev_a', new Date(T0));
    expect(count).toBe(1);
    expect(JSON.parse(json)).toMatchObject({
      format: 'ykt-failed-ops',
      deviceId: 'dev_a',
      ops: [{ id: refused, attempts: 1, lastError: { code: 'rejected' }, op: { type: 'attendance.set', studentId: 's1', status: 'absent' } }],
    });
    expect(await rowsBySeq(db)).toEqual(before); // exporting changes nothing
  });
});

describe('push: batches pipelined', () => {
  /** A hub whose answers the test releases one by one, so what is in flight can be seen. */
  function heldHub() {
    const sent: Op[][] = [];
    const waiting: ((fail?: Error) => void)[] = [];
    const push = (ops: Op[]) => {
      sent.push(ops);
      return new Promise<OpAck[]>((resolve, reject) => waiting.push((fail) => (fail ? reject(fail) : resolve(ops.map((op) => ({ id: op.id, status: 'applied' }))))));
    };
    return { push, sent, waiting };
  }
  const until = async (probe: () => boolean) => {
    while (!probe()) await new Promise((r) => setTimeout(r, 5));
  };
  const limits = { maxOps: 10, maxBytes: 1_000_000, maxBatches: 10, inFlight: 2 };

  it('keeps two batches in flight, never the same op twice, and drains everything', async () => {
    const { db, records, options } = setup();
    for (let i = 0; i < 35; i++) await records.setAttendance('l1', `s${i}`, 'present');
    const hub = heldHub();
    const done = pushOutbox(db, hub.push, { ...options, limits });
    await until(() => hub.sent.length === 2);
    expect(hub.waiting).toHaveLength(2); // the second went up before the first was answered
    hub.waiting.shift()?.();
    await until(() => hub.sent.length === 3);
    expect(hub.sent.length).toBe(3); // never a third in flight
    while (hub.waiting.length > 0 || hub.sent.length < 4) {
      await until(() => hub.waiting.length > 0);
      hub.waiting.shift()?.();
    }
    expect(await done).toEqual({ sent: 35, retrying: 0, failed: 0 });
    const seqs = hub.sent.flat().map((o) => o.seq);
    expect(seqs.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    expect(await db.outbox.count()).toBe(0);
  });

  it('ramps batch sizes up from firstOps (×4 each) to maxOps, so the first bytes leave at once', async () => {
    const { db, records, options } = setup();
    for (let i = 0; i < 60; i++) await records.setAttendance('l1', `s${i}`, 'present');
    const sizes: number[] = [];
    const push = (ops: Op[]) => {
      sizes.push(ops.length);
      return Promise.resolve(ops.map((op): OpAck => ({ id: op.id, status: 'applied' })));
    };
    expect(await pushOutbox(db, push, { ...options, limits: { ...limits, maxOps: 20, firstOps: 1 } })).toEqual({ sent: 60, retrying: 0, failed: 0 });
    expect(sizes).toEqual([1, 4, 16, 20, 19]);
  });

  it('a batch whose request fails leaves its ops as they were; the batch answered beside it still settles', async () => {
    const { db, records, options } = setup();
    for (let i = 0; i < 20; i++) await records.setAttendance('l1', `s${i}`, 'present');
    const hub = heldHub();
    const done = pushOutbox(db, hub.push, { ...options, limits });
    await until(() => hub.waiting.length === 2);
    hub.waiting.shift()?.(new Error('network'));
    hub.waiting.shift()?.();
    await expect(done).rejects.toThrow('network');
    const left = await db.outbox.toArray();
    expect(left.map((r) => r.seq)).toEqual(hub.sent[0]?.map((o) => o.seq));
    expect(left.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
  });
});
