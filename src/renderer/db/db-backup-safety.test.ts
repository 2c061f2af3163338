// The start-up check against the backups, case by case (fake-indexeddb): an error reading the backups never marks a
// database fresh and changes no row; the backup a database matched or was restored from is the one main keeps; a
// restore that comes late (after the teacher worked on an unverified database) loses neither side's outbox.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupSnapshot, type BackupLatest } from '../../shared/update-protocol.ts';
import { openAppDb, type AppDb } from './app-db.ts';
import { exportSnapshot, verifyOrRestore, type IntegrityResult } from './db-backup.ts';
import { createRecords } from './records-repo.ts';

const opened: AppDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

const FILE = 'backup-1772366400000-0001.json';
const now = new Date('2026-03-01T12:00:00Z');
let n = 0;
const newId = () => `inst-${++n}`;
const viaDisk = (s: BackupSnapshot) => BackupSnapshot.parse(JSON.parse(JSON.stringify(s)));

function freshDb() {
  const db = openAppDb(`safety-${crypto.randomUUID()}`);
  opened.push(db);
  return db;
}

async function dumpAll(db: AppDb) {
  return Object.fromEntries(await Promise.all(db.tables.map(async (t) => [t.name, await t.toArray()] as const)));
}

/** A classroom database with its instance id, two records and their ops, and a backup of it. */
async function classroom() {
  const db = freshDb();
  await verifyOrRestore(db, { state: 'none' }, newId);
  let t = now.getTime();
  const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date((t += 10)) });
  await records.setAttendance('l1', 's1', 'absent');
  await records.setAttendance('l1', 's2', 'late');
  const snapshot = viaDisk(await exportSnapshot(db, '0.1.0', now));
  const id = (await db.meta.get('dbInstanceId'))?.value as string;
  return { db, records, snapshot, id };
}

type Case = {
  name: string;
  /** The database as found at start: `lost` = recreated empty by an update; `intact` = the classroom's own. */
  database: 'lost' | 'intact';
  latest: (backup: BackupSnapshot) => BackupLatest;
  expected: Partial<IntegrityResult>;
  /** Whether the check may write (restore rows or set the instance id). */
  writes: boolean;
};

const withoutId = (s: BackupSnapshot): BackupSnapshot => ({ ...s, tables: { ...s.tables, meta: [] } });
const otherId = (s: BackupSnapshot): BackupSnapshot => ({ ...s, tables: { ...s.tables, meta: [{ key: 'dbInstanceId', value: 'inst-other' }] } });

const cases: Case[] = [
  { name: 'lost database, backups unreadable', database: 'lost', latest: () => ({ state: 'unreadable', reason: 'backups folder: EIO' }), expected: { state: 'unverified', reason: 'backups folder: EIO' }, writes: false },
  { name: 'intact database, backups unreadable', database: 'intact', latest: () => ({ state: 'unreadable', reason: 'backup-x.json: EACCES' }), expected: { state: 'unverified' }, writes: false },
  { name: 'lost database, no backup at all (first start)', database: 'lost', latest: () => ({ state: 'none' }), expected: { state: 'fresh', keep: null }, writes: true },
  { name: 'intact database, its own backup', database: 'intact', latest: (b) => ({ state: 'found', file: FILE, snapshot: b }), expected: { state: 'intact', keep: FILE }, writes: false },
  { name: 'intact database, a backup without an id (older app)', database: 'intact', latest: (b) => ({ state: 'found', file: FILE, snapshot: withoutId(b) }), expected: { state: 'intact', keep: null }, writes: false },
  { name: 'lost database, its backup', database: 'lost', latest: (b) => ({ state: 'found', file: FILE, snapshot: b }), expected: { state: 'restored', keep: FILE }, writes: true },
  { name: 'intact database, another database’s backup', database: 'intact', latest: (b) => ({ state: 'found', file: FILE, snapshot: otherId(b) }), expected: { state: 'restored', keep: FILE }, writes: true },
];

describe('start-up check against the backups', () => {
  it.each(cases)('$name → $expected.state', async ({ database, latest, expected, writes }) => {
    const { db, snapshot } = await classroom();
    const target = database === 'intact' ? db : freshDb();
    const before = await dumpAll(target);
    const result = await verifyOrRestore(target, latest(snapshot), newId);
    expect(result).toMatchObject(expected);
    if (!writes) expect(await dumpAll(target)).toEqual(before);
    if (expected.state === 'unverified') expect(await target.meta.get('dbInstanceId')).toEqual(before.meta?.find((r) => (r as { key: string }).key === 'dbInstanceId'));
  });

  it('an unverified database checked again once the backups read is restored then, keeping what was written meanwhile', async () => {
    const { snapshot, id } = await classroom();
    const lost = freshDb();
    expect((await verifyOrRestore(lost, { state: 'unreadable', reason: 'EIO' }, newId)).state).toBe('unverified');
    // The teacher works on: new ops take outbox keys 1 and 2, the keys the backed-up ops had.
    let t = now.getTime() + 60_000;
    const records = createRecords({ db: lost, deviceId: 'dev_a', now: () => new Date((t += 10)) });
    await records.setAttendance('l1', 's2', 'present'); // newer than the backed-up "late"
    await records.setAttendance('l1', 's3', 'leave');
    const meanwhile = await lost.outbox.toArray();

    const result = await verifyOrRestore(lost, { state: 'found', file: FILE, snapshot }, newId);
    expect(result).toMatchObject({ state: 'restored', keep: FILE });
    expect(await lost.meta.get('dbInstanceId')).toEqual({ key: 'dbInstanceId', value: id });
    const outbox = await lost.outbox.toArray();
    // All four ops: the two written meanwhile unchanged under their keys, the two restored under new keys.
    expect(outbox).toHaveLength(4);
    expect(outbox.slice(0, 2)).toEqual(meanwhile);
    expect(new Set(outbox.map((r) => r.seq)).size).toBe(4);
    expect(outbox.map((r) => r.op.type === 'attendance.set' && `${r.op.studentId}:${r.op.status}`).sort()).toEqual(['s1:absent', 's2:late', 's2:present', 's3:leave']);
    // The mark written meanwhile is kept (restore adds only what is missing).
    expect(await lost.attendance.get(['l1', 's2'])).toMatchObject({ status: 'present' });
    expect(await lost.attendance.get(['l1', 's1'])).toMatchObject({ status: 'absent' });
    // Restoring the same backup again adds nothing: the ops are recognised by their id, not their key.
    await verifyOrRestore(lost, { state: 'found', file: FILE, snapshot: otherId(snapshot) }, newId);
    expect(await lost.outbox.count()).toBe(4);
  });
});
