import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change, Lesson, NoteFeedback, PullResponse, Student } from '../../shared/protocol.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { getMeta, setMeta } from '../db/meta-repo.ts';
import { applyPull } from './apply-pull.ts';

let db: AppDb;

beforeEach(() => {
  db = openAppDb(`apply-pull-test-${crypto.randomUUID()}`);
});

afterEach(async () => {
  await db.delete();
});

function lesson(id: string, startsAt: string, endsAt: string, patch: Partial<Lesson> = {}): Lesson {
  return {
    id,
    classroomId: 'cls-1',
    courseId: 'math-3',
    subject: '数学',
    title: `课 ${id}`,
    leadSchoolName: '成都七中',
    teacherName: '王老师',
    startsAt,
    endsAt,
    mode: 'live',
    ...patch,
  };
}

function student(id: string, number: number, name = `学生${number}`): Student {
  return { id, classroomId: 'cls-1', name, number };
}

function page(cursor: number, changes: Change[], hasMore = false): PullResponse {
  return { protocol: 1, cursor, changes, hasMore, serverTime: '2025-09-01T00:00:00.000Z' };
}

describe('applyPull', () => {
  it('applies lesson and student puts and stores the cursor', async () => {
    await applyPull(
      db,
      page(5, [
        { type: 'lesson.put', lesson: lesson('l1', '2025-09-01T00:00:00.000Z', '2025-09-01T00:45:00.000Z') },
        { type: 'student.put', student: student('s1', 1) },
        { type: 'student.put', student: student('s2', 2) },
      ]),
    );
    expect(await db.lessons.count()).toBe(1);
    expect(await db.students.toArray()).toEqual([student('s1', 1), student('s2', 2)]);
    expect(await getMeta(db, 'pullCursor')).toBe(5);
  });

  it.each([
    ['China time', '2025-09-01T08:00:00+08:00', '2025-09-01T00:00:00.000Z'],
    ['China time across midnight UTC', '2025-09-01T07:30:00+08:00', '2025-08-31T23:30:00.000Z'],
    ['UTC without milliseconds', '2025-09-01T00:00:00Z', '2025-09-01T00:00:00.000Z'],
    ['a western offset', '2025-08-31T19:00:00-05:00', '2025-09-01T00:00:00.000Z'],
    ['fractional seconds', '2025-09-01T08:00:00.5+08:00', '2025-09-01T00:00:00.500Z'],
  ])('stores lesson times as UTC ISO strings (%s)', async (_label, startsAt, expected) => {
    await applyPull(db, page(1, [{ type: 'lesson.put', lesson: lesson('l1', startsAt, '2025-09-01T12:00:00+08:00') }]));
    const stored = await db.lessons.get('l1');
    expect(stored?.startsAt).toBe(expected);
    expect(stored?.endsAt).toBe('2025-09-01T04:00:00.000Z');
  });

  it('replaces an existing row on put (an edited lesson or renamed student)', async () => {
    await applyPull(db, page(1, [{ type: 'lesson.put', lesson: lesson('l1', '2025-09-01T08:00:00+08:00', '2025-09-01T08:45:00+08:00') }]));
    await applyPull(
      db,
      page(2, [
        { type: 'lesson.put', lesson: lesson('l1', '2025-09-01T09:00:00+08:00', '2025-09-01T09:45:00+08:00', { title: '改期', mode: 'recorded' }) },
        { type: 'student.put', student: student('s1', 1, '张三') },
        { type: 'student.put', student: student('s1', 1, '张三丰') },
      ]),
    );
    expect(await db.lessons.count()).toBe(1);
    expect(await db.lessons.get('l1')).toMatchObject({ title: '改期', mode: 'recorded', startsAt: '2025-09-01T01:00:00.000Z' });
    expect((await db.students.get('s1'))?.name).toBe('张三丰');
    expect(await getMeta(db, 'pullCursor')).toBe(2);
  });

  it('applies deletes, and changes in page order (put then delete of the same id leaves nothing)', async () => {
    await applyPull(
      db,
      page(1, [
        { type: 'lesson.put', lesson: lesson('l1', '2025-09-01T00:00:00Z', '2025-09-01T00:45:00Z') },
        { type: 'lesson.put', lesson: lesson('l2', '2025-09-02T00:00:00Z', '2025-09-02T00:45:00Z') },
        { type: 'student.put', student: student('s1', 1) },
        { type: 'student.put', student: student('s2', 2) },
      ]),
    );
    await applyPull(
      db,
      page(2, [
        { type: 'lesson.delete', id: 'l1' },
        { type: 'student.delete', id: 's2' },
        { type: 'lesson.put', lesson: lesson('l3', '2025-09-03T00:00:00Z', '2025-09-03T00:45:00Z') },
        { type: 'lesson.delete', id: 'l3' },
        { type: 'student.delete', id: 's1' },
        { type: 'student.put', student: student('s1', 1, '回来了') },
      ]),
    );
    expect((await db.lessons.toArray()).map((l) => l.id)).toEqual(['l2']);
    expect(await db.students.toArray()).toEqual([student('s1', 1, '回来了')]);
  });

  it('treats deleting an unknown id as a no-op', async () => {
    await applyPull(db, page(9, [{ type: 'lesson.delete', id: 'ghost' }, { type: 'student.delete', id: 'ghost' }]));
    expect(await db.lessons.count()).toBe(0);
    expect(await getMeta(db, 'pullCursor')).toBe(9);
  });

  it('removes a withdrawn reply or 优秀做法 mark, keeps the rest, and takes a withdrawal of feedback it never held as a no-op', async () => {
    const feedback = (id: string, kind: 'reply' | 'good'): NoteFeedback => ({
      id, noteId: 'n1', lessonId: 'l1', kind, text: kind === 'reply' ? '很好' : '', author: '王老师', createdAt: '2025-09-01T02:00:00.000Z',
      note: { classroom: '七年级(1)班', school: '昭觉县民族中学', anchor: { kind: 'time', seconds: 750 }, text: '12:30 暂停', pause: true },
    });
    await applyPull(db, page(1, [{ type: 'note.feedback', feedback: feedback('fb-1', 'reply') }, { type: 'note.feedback', feedback: feedback('fb-2', 'good') }, { type: 'note.feedback', feedback: feedback('fb-3', 'reply') }]));
    const result = await applyPull(db, page(2, [{ type: 'note.feedback.withdraw', feedbackId: 'fb-1' }, { type: 'note.feedback.withdraw', feedbackId: 'fb-2' }, { type: 'note.feedback.withdraw', feedbackId: 'fb-ghost' }]));
    expect(result).toEqual({ applied: 3, skipped: [] });
    expect((await db.noteFeedback.toArray()).map((f) => f.id)).toEqual(['fb-3']);
    expect(await getMeta(db, 'pullCursor')).toBe(2);
  });

  it('stores the cursor of an empty page', async () => {
    await setMeta(db, 'pullCursor', 3);
    await applyPull(db, page(4, []));
    expect(await getMeta(db, 'pullCursor')).toBe(4);
  });

  it.each([
    ['a lesson with a time that is not a time', { type: 'lesson.put', lesson: lesson('bad', 'not-a-time', '2025-09-01T00:45:00Z') }],
    ['a change type this app does not know (a newer hub)', { type: 'pack.put', pack: { id: 'p1' } }],
    ['a withdrawal without the feedback id', { type: 'note.feedback.withdraw', id: 'fb-1' }],
    ['a student without a name', { type: 'student.put', student: { id: 's9', classroomId: 'cls-1', number: 9 } }],
    ['not an object', 'lesson.delete keep'],
    ['null', null],
  ])('skips a change that does not parse (%s), applies the rest, moves the cursor and records it', async (_name, bad) => {
    await applyPull(db, page(1, [{ type: 'lesson.put', lesson: lesson('keep', '2025-09-01T00:00:00Z', '2025-09-01T00:45:00Z') }]));
    const result = await applyPull(db, { ...page(2, [{ type: 'student.put', student: student('s1', 1) }]), changes: [{ type: 'student.put', student: student('s1', 1) }, bad, { type: 'lesson.delete', id: 'keep' }] }, new Date('2025-09-01T01:00:00Z'));
    expect(result.applied).toBe(2);
    expect(result.skipped).toHaveLength(1);
    expect(await db.lessons.count()).toBe(0);
    expect((await db.students.toArray()).map((s) => s.id)).toEqual(['s1']);
    expect(await getMeta(db, 'pullCursor')).toBe(2);
    expect(await getMeta(db, 'pullSkipped')).toEqual({ count: 1, recent: [{ at: '2025-09-01T01:00:00.000Z', cursor: 2, reason: expect.any(String) as string, change: JSON.stringify(bad).slice(0, 500) }] });
  });

  it('keeps a running count and only the latest skipped changes', async () => {
    for (let i = 1; i <= 25; i++) await applyPull(db, { ...page(i, []), changes: [{ type: 'nonsense', n: i }] });
    const skipped = await getMeta(db, 'pullSkipped');
    expect(skipped?.count).toBe(25);
    expect(skipped?.recent.map((r) => r.cursor)).toEqual(Array.from({ length: 20 }, (_, i) => i + 6));
    expect(await getMeta(db, 'pullCursor')).toBe(25);
  });

  it('rolls back the changes when the cursor cannot be stored', async () => {
    await expect(applyPull(db, page(-1, [{ type: 'student.put', student: student('s1', 1) }]))).rejects.toThrow();
    expect(await db.students.count()).toBe(0);
    expect(await getMeta(db, 'pullCursor')).toBeUndefined();
  });
});
