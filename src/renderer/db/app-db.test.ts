import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lesson } from '../../shared/protocol.ts';
import { openAppDb, schemaVersions, type AppDb } from './app-db.ts';

const opened: AppDb[] = [];
function freshDb(name = `app-db-test-${crypto.randomUUID()}`): AppDb {
  const db = openAppDb(name);
  opened.push(db);
  return db;
}

afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

const lesson: Lesson = {
  id: 'l1',
  classroomId: 'cls-1',
  courseId: 'math-3',
  subject: '数学',
  title: '两位数乘法',
  leadSchoolName: '成都七中',
  teacherName: '王老师',
  startsAt: '2025-09-01T00:00:00.000Z',
  endsAt: '2025-09-01T00:45:00.000Z',
  mode: 'live',
};

describe('app database schema', () => {
  it('ships version 1 unchanged (shipped versions are never edited, only added)', () => {
    expect(schemaVersions[0]).toEqual({
      version: 1,
      stores: { meta: 'key', lessons: 'id, startsAt, classroomId', students: 'id, classroomId, number' },
    });
  });

  it('lists versions strictly ascending, starting at 1', () => {
    const versions = schemaVersions.map((v) => v.version);
    expect(versions[0]).toBe(1);
    versions.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(versions[i] ?? Infinity));
  });

  it('opens at the latest version with the v1 tables, keys and indexes', async () => {
    const db = freshDb();
    await db.open();
    expect(db.verno).toBe(schemaVersions.at(-1)?.version);
    expect(db.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['lessons', 'meta', 'students']));
    expect(db.meta.schema.primKey.keyPath).toBe('key');
    expect(db.lessons.schema.primKey.keyPath).toBe('id');
    expect(db.lessons.schema.indexes.map((i) => i.name).sort()).toEqual(['classroomId', 'startsAt']);
    expect(db.students.schema.primKey.keyPath).toBe('id');
    expect(db.students.schema.indexes.map((i) => i.name).sort()).toEqual(['classroomId', 'number']);
  });

  it('version 2 adds the outbox and the classroom records, keeping v1 data on upgrade', async () => {
    const name = `app-db-test-${crypto.randomUUID()}`;
    const { default: Dexie } = await import('dexie');
    const v1 = new Dexie(name);
    v1.version(1).stores(schemaVersions[0]?.stores ?? {});
    await v1.table('lessons').put(lesson);
    v1.close();

    const db = freshDb(name);
    await db.open();
    expect(await db.lessons.get('l1')).toEqual(lesson);
    expect(db.outbox.schema.primKey).toMatchObject({ keyPath: 'seq', auto: true });
    expect(db.outbox.schema.indexes.map((i) => [i.name, i.unique])).toEqual(expect.arrayContaining([['id', true], ['status', false]]));
    expect(db.attendance.schema.primKey.keyPath).toEqual(['lessonId', 'studentId']);
    expect(db.notes.schema.primKey.keyPath).toBe('noteId');
    expect(db.quizAnswers.schema.indexes.map((i) => i.name)).toContain('[lessonId+quizId]');
  });

  it('never reuses an outbox sequence number, even after the newest row left (acknowledged)', async () => {
    const db = freshDb();
    const row = (id: string) => ({ id, op: { id, hlc: 'h', type: 'attendance.set', lessonId: 'l', studentId: 's', status: 'absent' } as const, status: 'pending' as const, createdAt: 'now', attempts: 0 });
    await db.outbox.add(row('a'));
    const second = (await db.outbox.add(row('b'))) ?? 0;
    await db.outbox.delete(second);
    expect(await db.outbox.add(row('c'))).toBeGreaterThan(second);
    await expect(db.outbox.add(row('a'))).rejects.toThrow(); // op ids are unique
  });

  it('uses the default name when none is given', () => {
    const db = openAppDb();
    expect(db.name).toBe('ykt-classroom');
    db.close();
  });

  it('keeps data across close and reopen (the app restarting offline)', async () => {
    const name = `app-db-test-${crypto.randomUUID()}`;
    const first = freshDb(name);
    await first.lessons.put(lesson);
    await first.meta.put({ key: 'pullCursor', value: 7 });
    first.close();

    const second = freshDb(name);
    expect(await second.lessons.get('l1')).toEqual(lesson);
    expect(await second.meta.get('pullCursor')).toEqual({ key: 'pullCursor', value: 7 });
  });

  it('keeps databases with different names apart', async () => {
    const a = freshDb();
    const b = freshDb();
    await a.lessons.put(lesson);
    expect(await b.lessons.count()).toBe(0);
  });
});
