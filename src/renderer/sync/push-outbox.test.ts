import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Op, OpAck } from '../../shared/protocol.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { createRecords } from '../db/records-repo.ts';
import { pushOutbox } from './push-outbox.ts';

const dbs: AppDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

function setup() {
  const db = openAppDb(`outbox-${crypto.randomUUID()}`);
  dbs.push(db);
  let t = Date.parse('2026-11-25T02:00:00Z');
  const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date((t += 10)) });
  return { db, records };
}

describe('records and outbox', () => {
  it('writes the record and its op together, with increasing HLCs and sequence numbers', async () => {
    const { db, records } = setup();
    await records.setAttendance('l1', 's1', 'absent');
    await records.setAttendance('l1', 's1', 'late');
    expect(await db.attendance.get(['l1', 's1'])).toMatchObject({ status: 'late' });
    const rows = await db.outbox.toArray();
    expect(rows.map((r) => r.op.type)).toEqual(['attendance.set', 'attendance.set']);
    expect((rows[0]?.seq ?? 0) < (rows[1]?.seq ?? 0)).toBe(true);
    expect((rows[0]?.op.hlc ?? '') < (rows[1]?.op.hlc ?? '')).toBe(true);
  });

  it('全部出勤 records present only for students not yet marked', async () => {
    const { db, records } = setup();
    await records.setAttendance('l1', 's2', 'absent');
    await records.confirmAttendance('l1', ['s1', 's2', 's3']);
    const all = await db.attendance.where('lessonId').equals('l1').toArray();
    expect(Object.fromEntries(all.map((a) => [a.studentId, a.status]))).toEqual({ s1: 'present', s2: 'absent', s3: 'present' });
    expect(await db.outbox.count()).toBe(3);
  });

  it('removes only acknowledged ops; keeps rejected ones with the reason; sends each op with its sequence', async () => {
    const { db, records } = setup();
    for (const s of ['s1', 's2', 's3']) await records.setAttendance('l1', s, 'absent');
    const seen: Op[] = [];
    const result = await pushOutbox(db, (ops) => {
      seen.push(...ops);
      return Promise.resolve(ops.map((op, i): OpAck => (i === 1 ? { id: op.id, status: 'rejected', reason: '学生不在名单中' } : { id: op.id, status: i === 0 ? 'applied' : 'duplicate' })));
    });
    expect(result).toEqual({ sent: 2, rejected: 1 });
    expect(seen.map((o) => o.seq)).toEqual([1, 2, 3]);
    const left = await db.outbox.toArray();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ status: 'rejected', reason: '学生不在名单中' });
  });

  it('keeps every op when the push fails, and counts the attempt', async () => {
    const { db, records } = setup();
    await records.setAttendance('l1', 's1', 'absent');
    await expect(pushOutbox(db, () => Promise.reject(new Error('network')))).rejects.toThrow('network');
    expect(await db.outbox.toArray()).toMatchObject([{ status: 'pending', attempts: 1 }]);
  });

  it('sends bounded batches in order until the outbox is empty', async () => {
    const { db, records } = setup();
    for (let i = 0; i < 25; i++) await records.setAttendance('l1', `s${i}`, 'late');
    const batches: number[][] = [];
    await pushOutbox(db, (ops) => {
      batches.push(ops.map((o) => o.seq));
      return Promise.resolve(ops.map((o): OpAck => ({ id: o.id, status: 'applied' })));
    }, { maxOps: 10, maxBytes: 1_000_000, maxBatches: 10 });
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await db.outbox.count()).toBe(0);
  });

  it('keeps a note conflict-free locally and lists the versions a merge resolves', async () => {
    const { db, records } = setup();
    const noteId = await records.saveNote({ lessonId: 'l1', anchor: { kind: 'time', seconds: 750 }, text: '讲通分', pause: true }).then(async () => (await db.notes.toArray())[0]?.noteId ?? '');
    await records.saveNote({ noteId, lessonId: 'l1', anchor: { kind: 'time', seconds: 750 }, text: '讲通分，举例', pause: true });
    const note = await db.notes.get(noteId);
    expect(note?.current.text).toBe('讲通分，举例');
    expect(note?.known).toHaveLength(2);
    const ops = (await db.outbox.toArray()).map((r) => r.op);
    expect(ops[1]).toMatchObject({ type: 'note.put', baseHlc: ops[0]?.hlc });
  });
});
