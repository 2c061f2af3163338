import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupSnapshot, type BackupLatest } from '../../shared/update-protocol.ts';
import { openAppDb } from './app-db.ts';
import { exportSnapshot, importSnapshot, verifyOrRestore } from './db-backup.ts';

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

/** A schema like the one records/content add later: outbox and notes (inbound keys), a key-value table, content bytes. */
function openRecordsDb(name: string) {
  const db = new Dexie(name);
  db.version(1).stores({ meta: 'key', outbox: 'id, createdAt', notes: 'id, lessonId', kv: '', blobs: 'hash' });
  opened.push(db);
  return db;
}

const now = new Date('2026-03-01T12:00:00Z');
let seq = 0;
const newId = () => `inst-${++seq}`;

async function fill(db: Dexie) {
  await verifyOrRestore(db, NONE, newId);
  await db.table('outbox').bulkPut([
    { id: 'op-1', kind: 'attendance.mark', createdAt: new Date('2026-03-01T08:05:00Z'), payload: { studentId: 's1', status: 'absent' } },
    { id: 'op-2', kind: 'note.put', createdAt: new Date('2026-03-01T08:06:00Z'), payload: { noteId: 'n1' } },
  ]);
  await db.table('notes').put({ id: 'n1', lessonId: 'l1', text: '12:30 暂停，用本地例子讲通分', anchors: [{ section: 2, at: 750 }] });
  await db.table('kv').put({ lastLesson: 'l1' }, 'ui');
  await db.table('blobs').put({ hash: 'h1', bytes: new Uint8Array(1024) });
}

const NONE: BackupLatest = { state: 'none' };
const found = (snapshot: BackupSnapshot): BackupLatest => ({ state: 'found', file: 'backup-1772366400000-0001.json', snapshot });

/** What the snapshot goes through: IPC structured clone, then a JSON file in user-data. */
const viaDisk = (s: BackupSnapshot) => BackupSnapshot.parse(JSON.parse(JSON.stringify(s)));

describe('local database backup and restore', () => {
  it('round-trips outbox and notes (dates included) into a database the update lost', async () => {
    const before = openRecordsDb(`b-${crypto.randomUUID()}`);
    await fill(before);
    const snapshot = viaDisk(await exportSnapshot(before, '0.1.0', now));
    expect(Object.keys(snapshot.tables).sort()).toEqual(['kv', 'meta', 'notes', 'outbox']);

    const after = openRecordsDb(`a-${crypto.randomUUID()}`); // IndexedDB gone after the update: a brand-new database
    const result = await verifyOrRestore(after, found(snapshot), newId);
    expect(result.state).toBe('restored');
    expect(result.restoredRows).toBe(5); // meta(1) + outbox(2) + notes(1) + kv(1)
    expect(await after.table('outbox').orderBy('createdAt').toArray()).toEqual(await before.table('outbox').orderBy('createdAt').toArray());
    expect((await after.table<{ createdAt: Date }, string>('outbox').get('op-1'))?.createdAt).toBeInstanceOf(Date);
    expect(await after.table('notes').toArray()).toEqual(await before.table('notes').toArray());
    expect(await after.table('kv').get('ui')).toEqual({ lastLesson: 'l1' });
    expect(await after.table('blobs').count()).toBe(0);
    // Next start: the restored database is recognised as intact.
    expect(await verifyOrRestore(after, found(snapshot), newId)).toEqual({ state: 'intact', restoredRows: 0, keep: 'backup-1772366400000-0001.json' });
  });

  it('leaves an intact database alone, even when the backup is older', async () => {
    const db = openRecordsDb(`i-${crypto.randomUUID()}`);
    await fill(db);
    const snapshot = viaDisk(await exportSnapshot(db, '0.1.0', now));
    await db.table('outbox').delete('op-1'); // synced and acknowledged after the backup
    expect(await verifyOrRestore(db, found(snapshot), newId)).toEqual({ state: 'intact', restoredRows: 0, keep: 'backup-1772366400000-0001.json' });
    expect(await db.table('outbox').get('op-1')).toBeUndefined();
  });

  it('marks a first start without any backup as fresh', async () => {
    const db = openRecordsDb(`f-${crypto.randomUUID()}`);
    expect((await verifyOrRestore(db, NONE, newId)).state).toBe('fresh');
    expect((await verifyOrRestore(db, NONE, newId)).state).toBe('intact');
  });

  it('never overwrites rows written since (restore only adds missing keys)', async () => {
    const before = openRecordsDb(`m-${crypto.randomUUID()}`);
    await fill(before);
    const snapshot = viaDisk(await exportSnapshot(before, '0.1.0', now));
    const after = openRecordsDb(`m2-${crypto.randomUUID()}`);
    await after.table('notes').put({ id: 'n1', lessonId: 'l1', text: 'newer text' });
    await importSnapshot(after, snapshot);
    expect((await after.table<{ text: string }, string>('notes').get('n1'))?.text).toBe('newer text');
    expect(await after.table('outbox').count()).toBe(2);
  });

  it('works over the app schema as it is today', async () => {
    const db = openAppDb(`app-${crypto.randomUUID()}`);
    opened.push(db);
    await db.lessons.put({ id: 'l1', classroomId: 'c1', courseId: 'm', subject: '数学', title: '通分', leadSchoolName: '成都七中', teacherName: '王老师', startsAt: '2026-03-01T00:00:00.000Z', endsAt: '2026-03-01T00:45:00.000Z', mode: 'live' });
    await db.outbox.add({ id: 'op-1', status: 'pending' } as never);
    await db.attendance.put({ lessonId: 'l1', studentId: 's1', status: 'absent' } as never);
    await verifyOrRestore(db, NONE, newId);
    const snapshot = viaDisk(await exportSnapshot(db, '0.1.0', now));
    expect(snapshot.tables.lessons).toHaveLength(1);
    expect(snapshot.tables.outbox).toHaveLength(1);
    const lost = openAppDb(`app2-${crypto.randomUUID()}`);
    opened.push(lost);
    expect((await verifyOrRestore(lost, found(snapshot), newId)).state).toBe('restored');
    expect(await lost.lessons.get('l1')).toEqual(await db.lessons.get('l1'));
    expect(await lost.outbox.toArray()).toEqual(await db.outbox.toArray());
    // Compound keys: a row written since the backup is recognised as present and not overwritten.
    await lost.attendance.put({ lessonId: 'l1', studentId: 's1', status: 'present' } as never);
    await importSnapshot(lost, snapshot);
    expect(await lost.attendance.toArray()).toEqual([expect.objectContaining({ status: 'present' })]);
  });
});
