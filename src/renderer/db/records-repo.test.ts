// 全部出勤 on fake-indexeddb: one transaction that reads the marks inside it, so a tap made meanwhile is never
// overwritten, and a failure half-way stores nothing.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttendanceStatus } from '../../shared/protocol.ts';
import { openAppDb, type AppDb } from './app-db.ts';
import { createRecords, randomId } from './records-repo.ts';

const dbs: AppDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

const ROSTER = Array.from({ length: 40 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);

function setup(newId: () => string = randomId) {
  const db = openAppDb(`records-${crypto.randomUUID()}`);
  dbs.push(db);
  let t = Date.parse('2026-11-25T02:00:00Z');
  let changes = 0;
  const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date((t += 10)), onChange: () => changes++, newId });
  return { db, records, changes: () => changes };
}

async function marks(db: AppDb) {
  return Object.fromEntries((await db.attendance.where('lessonId').equals('l1').toArray()).map((a) => [a.studentId, a.status]));
}

/** The status the hub ends with per student: the op with the newest HLC wins. */
async function hubView(db: AppDb) {
  const latest = new Map<string, { hlc: string; status: AttendanceStatus }>();
  for (const { op } of await db.outbox.toArray()) {
    if (op.type !== 'attendance.set') continue;
    const seen = latest.get(op.studentId);
    if (!seen || op.hlc > seen.hlc) latest.set(op.studentId, { hlc: op.hlc, status: op.status });
  }
  return Object.fromEntries([...latest].map(([s, v]) => [s, v.status]));
}

describe('a tap on a student', () => {
  it('moves on from the stored status, so quick taps before the screen redraws all count', async () => {
    const { db, records } = setup();
    // Three taps in one go, none waiting for the last: 出勤 → 缺勤 → 迟到 → 请假.
    await Promise.all([records.cycleAttendance('l1', 's07'), records.cycleAttendance('l1', 's07'), records.cycleAttendance('l1', 's07')]);
    expect(await marks(db)).toEqual({ s07: 'leave' });
    expect(await hubView(db)).toEqual({ s07: 'leave' });
    expect(await db.outbox.count()).toBe(3);
    await records.cycleAttendance('l1', 's07');
    expect(await marks(db)).toEqual({ s07: 'present' });
  });
});

describe('全部出勤', () => {
  it('records present only for students not yet marked, in one change', async () => {
    const { db, records, changes } = setup();
    await records.setAttendance('l1', 's02', 'absent');
    const ids = await records.confirmAttendance('l1', ['s01', 's02', 's03', 's03']);
    expect(ids).toHaveLength(2);
    expect(await marks(db)).toEqual({ s01: 'present', s02: 'absent', s03: 'present' });
    expect(await db.outbox.count()).toBe(3);
    expect(changes()).toBe(2);
  });

  it('does nothing when everyone is marked', async () => {
    const { db, records, changes } = setup();
    await records.setAttendance('l1', 's01', 'late');
    expect(await records.confirmAttendance('l1', ['s01'])).toEqual([]);
    expect(await db.outbox.count()).toBe(1);
    expect(changes()).toBe(1);
  });

  it.each([
    ['tap started just before', 'before'],
    ['tap started just after', 'after'],
  ] as const)('keeps a tap made while it runs (%s)', async (_name, order) => {
    const { db, records } = setup();
    await records.setAttendance('l1', 's07', 'late'); // marked before the screen drew
    const tap = () => records.setAttendance('l1', 's20', 'absent');
    const confirm = () => records.confirmAttendance('l1', ROSTER); // the roster as the screen drew it
    await Promise.all(order === 'before' ? [tap(), confirm()] : [confirm(), tap()]);
    const expected = Object.fromEntries(ROSTER.map((s) => [s, s === 's07' ? 'late' : s === 's20' ? 'absent' : 'present']));
    expect(await marks(db)).toEqual(expected);
    expect(await hubView(db)).toEqual(expected); // and the hub will end with the same
  });

  it('a failure half-way stores nothing: no mark and no op', async () => {
    let n = 0;
    const { db, records } = setup(() => (++n === 12 ? 'dup-id-000000000' : n === 5 ? 'dup-id-000000000' : randomId()));
    await records.setAttendance('l1', 's01', 'absent');
    await records.setAttendance('l1', 's02', 'late');
    const before = { attendance: await db.attendance.toArray(), outbox: await db.outbox.toArray(), meta: await db.meta.toArray() };
    n = 4;
    await expect(records.confirmAttendance('l1', ROSTER)).rejects.toMatchObject({ name: 'BulkError' });
    expect({ attendance: await db.attendance.toArray(), outbox: await db.outbox.toArray(), meta: await db.meta.toArray() }).toEqual(before);
    // The next try (ids unique again) goes through whole.
    n = 100;
    expect(await records.confirmAttendance('l1', ROSTER)).toHaveLength(38);
  });
});
