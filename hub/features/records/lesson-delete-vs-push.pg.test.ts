// On PostgreSQL the record tables have no foreign keys (migration 15): a push and the deletion of its lesson are kept
// apart by locks instead. Each side is paused just before it commits, and the other side must wait for it: a lesson
// deleted while a push holds it is refused (its records stay), and a push arriving while a deletion holds the lesson is
// refused (no record points at a lesson that is gone) — in bulk and op by op.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import type { Op } from '../../../src/shared/protocol.ts';
import { createDatabase } from '../../../tests/support/postgres-server.ts';
import { openPostgres } from '../../core/db/open-database.ts';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { valueOrThrow } from '../../core/http/hub-error.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { enrollDevice } from '../org/enroll-device.ts';
import { findDeviceByTokenHash, type DeviceRow } from '../org/org-repo.ts';
import { hashToken } from '../org/tokens.ts';
import { deleteLesson, putLesson } from '../timetable/timetable-repo.ts';
import { applyPush, applyPushOpByOp } from './apply-ops.ts';

const NOW = new Date('2026-11-25T02:00:00Z');
const STUDENT = 'stu-zj-7-1-01';

let db: SqlDb;
let device: DeviceRow;
let courseId: string;
beforeAll(async () => {
  db = await openPostgres(await createDatabase(inject('postgresUrl')), { max: 4 });
  await seedDemo(db, NOW);
  const { device: enrolled } = valueOrThrow(await enrollDevice(db, { code: 'DEMO-ZJ-1', deviceName: 'pc', now: NOW }));
  const found = await findDeviceByTokenHash(db, hashToken(enrolled.token));
  if (!found) throw new Error('device missing');
  device = found;
  courseId = (await db.get<{ course_id: string }>(`SELECT course_id FROM lessons LIMIT 1`))?.course_id ?? '';
});
afterAll(() => db.close());

async function lessonForTheClassroom(id: string) {
  valueOrThrow(await putLesson(db, { id, courseId, title: '加课', startsAt: '2026-11-25T01:00:00Z', endsAt: '2026-11-25T01:40:00Z', mode: 'recorded', classroomIds: [device.classroom_id] }, NOW));
}

const attendance = (id: string, lessonId: string): Op => ({
  id,
  seq: 1,
  hlc: encodeHlc({ wallMs: NOW.getTime() - 60_000, counter: 0, node: 'dev_lock' }),
  type: 'attendance.set',
  lessonId,
  studentId: STUDENT,
  status: 'late',
});

/** `db`, whose transactions stop after their work, before COMMIT, until `commit()` is called. */
function pausedBeforeCommit() {
  let commit!: () => void;
  const mayCommit = new Promise<void>((resolve) => (commit = resolve));
  let worked!: () => void;
  const done = new Promise<void>((resolve) => (worked = resolve));
  const paused: SqlDb = {
    ...db,
    transaction: (fn) =>
      db.transaction(async (tx) => {
        const result = await fn(tx);
        worked();
        await mayCommit;
        return result;
      }),
  };
  return { db: paused, done, commit };
}

/** Resolves once another session of this database waits on a row lock; fails if `other` settles first (it did not wait). */
async function someoneWaitsOnALock(other: Promise<unknown>) {
  let settled = false;
  void other.finally(() => (settled = true)).catch(() => {});
  for (;;) {
    const row = await db.get<{ n: number }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if ((row?.n ?? 0) > 0) return;
    if (settled) throw new Error('the other side did not wait for the lock');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const recordsOf = async (lessonId: string) => (await db.get<{ n: number }>(`SELECT count(*) AS n FROM attendance WHERE lesson_id = ?`, [lessonId]))?.n;
const lessonExists = async (lessonId: string) => (await db.get(`SELECT 1 FROM lessons WHERE id = ?`, [lessonId])) !== undefined;

describe('a push and the deletion of its lesson, on PostgreSQL without foreign keys on records', () => {
  it('a deletion waits for the push holding the lesson, then refuses: the attendance stays', async () => {
    await lessonForTheClassroom('les-held');
    const push = pausedBeforeCommit();
    const pushed = applyPush(push.db, device, [attendance('op-held', 'les-held')], NOW);
    await push.done;
    const deletion = deleteLesson(db, 'les-held', NOW);
    await someoneWaitsOnALock(deletion);
    push.commit();
    expect(await pushed).toEqual([{ id: 'op-held', status: 'applied' }]);
    expect(await deletion).toEqual({ ok: false, code: 'bad_request', message: 'lesson les-held has classroom records (attendance, notes, quizzes or packs) and cannot be deleted' });
    expect(await lessonExists('les-held')).toBe(true);
    expect(await recordsOf('les-held')).toBe(1);
  });

  for (const [how, apply] of [
    ['in bulk', applyPush],
    ['op by op', applyPushOpByOp],
  ] as const) {
    it(`a push ${how} waits for the deletion holding its lesson, then is refused: nothing points at the lesson gone`, async () => {
      const lessonId = `les-going-${how.replace(/ /g, '-')}`;
      await lessonForTheClassroom(lessonId);
      const deletion = pausedBeforeCommit();
      const deleted = deleteLesson(deletion.db, lessonId, NOW);
      await deletion.done;
      const pushed = apply(db, device, [attendance(`op-${lessonId}`, lessonId)], NOW);
      await someoneWaitsOnALock(pushed);
      deletion.commit();
      expect(await deleted).toEqual({ ok: true, value: null });
      expect(await pushed).toEqual([{ id: `op-${lessonId}`, status: 'rejected', reason: `lesson ${lessonId} is not on this classroom's timetable` }]);
      expect(await lessonExists(lessonId)).toBe(false);
      expect(await recordsOf(lessonId)).toBe(0);
    });
  }

  it('a lesson with records is refused without any push in flight, and one without is deleted', async () => {
    await lessonForTheClassroom('les-kept');
    expect(await applyPush(db, device, [attendance('op-kept', 'les-kept')], NOW)).toEqual([{ id: 'op-kept', status: 'applied' }]);
    expect((await deleteLesson(db, 'les-kept', NOW)).ok).toBe(false);
    await lessonForTheClassroom('les-empty');
    expect(await deleteLesson(db, 'les-empty', NOW)).toEqual({ ok: true, value: null });
    expect(await deleteLesson(db, 'les-empty', NOW)).toEqual({ ok: false, code: 'not_found', message: 'lesson' });
  });
});
