// The practice screens' reads on fake-indexeddb: the teacher's class view (every student, 未练习 included, mastery and
// stuck questions) and a student's due 错题本 — read without any index the schema does not have.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../shared/practice-policy.ts';
import type { Quiz } from '../../../shared/protocol.ts';
import { openAppDb, type AppDb } from '../../db/app-db.ts';
import { createRecords } from '../../db/records-repo.ts';
import { classProgress, dueMistakes, practiceLessons } from './practice-data.ts';

const dbs: AppDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});
const T0 = Date.parse('2026-12-01T08:00:00Z');
const quiz: Quiz = { id: 'qz', lessonId: 'l1', title: '数学', questions: [{ id: 'q1', prompt: '1 + 1', choices: ['1', '2'], answer: 1 }, { id: 'q2', prompt: '2 + 2', choices: ['4', '5'], answer: 0 }] };

describe('practice reads', () => {
  it('shows every student, who is stuck, who mastered, and brings mistakes back the next day', async () => {
    const db = openAppDb(`practice-data-${crypto.randomUUID()}`);
    dbs.push(db);
    let t = T0;
    const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date((t += 1000)) });
    await db.students.bulkPut([1, 2, 3].map((n) => ({ id: `s${n}`, classroomId: 'c', name: `学生${n}`, number: n })));
    await db.quizzes.put(quiz);
    for (const choice of [1, 1, 1]) await records.recordAttempt({ studentId: 's1', quiz, questionId: 'q1', choice, seconds: 3 });
    for (const choice of [0, 0]) await records.recordAttempt({ studentId: 's2', quiz, questionId: 'q1', choice, seconds: 3 });
    const rows = await classProgress(db);
    expect(rows.map((r) => [r.student.id, r.attempts, r.correct, r.mastered, r.stuck])).toEqual([
      ['s1', 3, 3, 1, []],
      ['s2', 2, 0, 0, ['1 + 1']],
      ['s3', 0, 0, 0, []],
    ]);
    expect(await dueMistakes(db, 's2', T0 + 60_000)).toEqual([]);
    expect((await dueMistakes(db, 's2', T0 + DAY_MS + 60_000)).map((i) => i.questionId)).toEqual(['q1']);
    expect(await dueMistakes(db, 's1', T0 + DAY_MS + 60_000)).toEqual([]);
  });

  it('offers the lessons that have begun, most recent first, and none before its class (its questions are the 随堂测)', async () => {
    const db = openAppDb(`practice-lessons-${crypto.randomUUID()}`);
    dbs.push(db);
    const lesson = (id: string, startsMs: number) => ({ id, classroomId: 'c', courseId: 'crs', subject: '数学', title: '有理数', leadSchoolName: '成都七中', teacherName: '王老师', startsAt: new Date(startsMs).toISOString(), endsAt: new Date(startsMs + 2_400_000).toISOString(), mode: 'recorded' as const });
    await db.lessons.bulkPut([lesson('yesterday', T0 - DAY_MS), lesson('now', T0 - 60_000), lesson('tomorrow', T0 + DAY_MS)]);
    await db.quizzes.bulkPut(['yesterday', 'now', 'tomorrow'].map((l) => ({ ...quiz, id: `qz-${l}`, lessonId: l })));
    expect((await practiceLessons(db, 's1', T0)).map((p) => p.lesson.id)).toEqual(['now', 'yesterday']);
    expect((await practiceLessons(db, 's1', T0 + DAY_MS)).map((p) => p.lesson.id)).toEqual(['tomorrow', 'now', 'yesterday']);
  });
});
