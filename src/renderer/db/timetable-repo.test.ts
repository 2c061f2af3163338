import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lesson, Student } from '../../shared/protocol.ts';
import { applyPull } from '../sync/apply-pull.ts';
import { openAppDb, type AppDb } from './app-db.ts';
import { lessonsBetween, lessonsOverlapping, rosterOf } from './timetable-repo.ts';

let db: AppDb;

beforeEach(() => {
  db = openAppDb(`timetable-repo-test-${crypto.randomUUID()}`);
});

afterEach(async () => {
  await db.delete();
});

function lesson(id: string, startsAt: string, classroomId = 'cls-1'): Lesson {
  const end = new Date(new Date(startsAt).getTime() + 45 * 60_000).toISOString();
  return { id, classroomId, courseId: 'c', subject: '数学', title: id, leadSchoolName: '成都七中', teacherName: '王老师', startsAt, endsAt: end, mode: 'live' };
}

const student = (id: string, number: number, classroomId = 'cls-1'): Student => ({ id, classroomId, name: id, number });

describe('lessonsOverlapping', () => {
  it('includes a lesson that started before the day and is still on, not one that ended before it', async () => {
    await db.lessons.bulkPut([
      { ...lesson('across-midnight', '2025-08-31T23:50:00.000Z'), endsAt: '2025-09-01T02:50:00.000Z' },
      lesson('ended-before', '2025-08-31T22:00:00.000Z'),
      lesson('mid', '2025-09-01T02:00:00.000Z'),
      lesson('next-day', '2025-09-02T00:00:00.000Z'),
    ]);
    const found = await lessonsOverlapping(db, new Date('2025-09-01T00:00:00.000Z'), new Date('2025-09-02T00:00:00.000Z'));
    expect(found.map((l) => l.id)).toEqual(['across-midnight', 'mid']);
  });
});

describe('lessonsBetween', () => {
  it('returns lessons starting in [from, to), ordered by start time', async () => {
    await db.lessons.bulkPut([
      lesson('late', '2025-09-01T06:00:00.000Z'),
      lesson('at-from', '2025-09-01T00:00:00.000Z'),
      lesson('before', '2025-08-31T23:59:59.999Z'),
      lesson('mid', '2025-09-01T02:00:00.000Z'),
      lesson('at-to', '2025-09-02T00:00:00.000Z'),
    ]);
    const found = await lessonsBetween(db, new Date('2025-09-01T00:00:00.000Z'), new Date('2025-09-02T00:00:00.000Z'));
    expect(found.map((l) => l.id)).toEqual(['at-from', 'mid', 'late']);
  });

  it('returns nothing for an empty range or an empty database', async () => {
    const day = new Date('2025-09-01T00:00:00.000Z');
    expect(await lessonsBetween(db, day, day)).toEqual([]);
    await db.lessons.put(lesson('x', day.toISOString()));
    expect(await lessonsBetween(db, day, day)).toEqual([]);
  });

  it('finds China-time lessons by instant once applyPull has normalised them to UTC', async () => {
    // A Shanghai school day: Monday 2025-09-01 00:00 +08:00 is 2025-08-31T16:00Z.
    await applyPull(db, {
      protocol: 1,
      cursor: 1,
      hasMore: false,
      serverTime: '2025-09-01T00:00:00Z',
      changes: [
        { type: 'lesson.put', lesson: lesson('mon-0800', '2025-09-01T08:00:00+08:00') },
        { type: 'lesson.put', lesson: lesson('mon-0010', '2025-09-01T00:10:00+08:00') },
        { type: 'lesson.put', lesson: lesson('sun-2300', '2025-08-31T23:00:00+08:00') },
        { type: 'lesson.put', lesson: lesson('mon-1400', '2025-09-01T14:00:00+08:00') },
        { type: 'lesson.put', lesson: lesson('tue-0800', '2025-09-02T08:00:00+08:00') },
      ],
    });
    const monday = await lessonsBetween(db, new Date('2025-09-01T00:00:00+08:00'), new Date('2025-09-02T00:00:00+08:00'));
    expect(monday.map((l) => l.id)).toEqual(['mon-0010', 'mon-0800', 'mon-1400']);
  });
});

describe('rosterOf', () => {
  it("returns one classroom's students ordered by number (numerically)", async () => {
    await db.students.bulkPut([student('s10', 10), student('s2', 2), student('other', 1, 'cls-2'), student('s1', 1)]);
    expect((await rosterOf(db, 'cls-1')).map((s) => s.id)).toEqual(['s1', 's2', 's10']);
    expect((await rosterOf(db, 'cls-2')).map((s) => s.id)).toEqual(['other']);
    expect(await rosterOf(db, 'nobody')).toEqual([]);
  });
});
