// Dexie schema version 5 (students' practice and 考核) on its own: an upgrade from version 4 keeps the records; an
// attempt writes the attempt, the 错题本 entry and the outbox op together (or nothing); a 考核 submission is locked.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../shared/practice-policy.ts';
import type { ExamPaper, Quiz } from '../../shared/protocol.ts';
import { openAppDb, schemaVersions, type AppDb } from './app-db.ts';
import { checkStudentCode, ExamLocked, setStudentCode } from './practice-repo.ts';
import { createRecords } from './records-repo.ts';

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});
const T0 = Date.parse('2026-12-01T08:00:00Z');
const quiz: Quiz = {
  id: 'qz',
  lessonId: 'l1',
  title: '数学随堂测',
  questions: [
    { id: 'q1', prompt: '1 + 1', choices: ['1', '2'], answer: 1, explanation: '一加一等于二' },
    { id: 'q2', prompt: '2 + 2', choices: ['4', '5'], answer: 0 },
  ],
};
function setup() {
  const db: AppDb = openAppDb(`v5-${crypto.randomUUID()}`);
  opened.push(db);
  let t = T0;
  let n = 0;
  const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date(t), newId: () => `id${++n}` });
  return { db, records, setTime: (ms: number) => (t = ms) };
}

describe('app database schema version 5 (practice and 考核)', () => {
  it('declares its tables', () => {
    expect(Object.keys(schemaVersions.find((v) => v.version === 5)?.stores ?? {})).toEqual(['practiceAttempts', 'reviewItems', 'studentCodes', 'exams', 'examSubmissions', 'examResults']);
  });

  it('upgrades a version-4 database in place, keeping its outbox and attendance', async () => {
    const name = `v5-${crypto.randomUUID()}`;
    const v4 = new Dexie(name);
    opened.push(v4);
    for (const { version, stores } of schemaVersions.filter((v) => v.version <= 4)) v4.version(version).stores(stores);
    await v4.table('attendance').put({ lessonId: 'l1', studentId: 's1', status: 'late', hlc: 'h' });
    v4.close();
    const db = openAppDb(name);
    opened.push(db);
    expect(await db.attendance.count()).toBe(1);
    expect(await db.practiceAttempts.count()).toBe(0);
  });

  it('writes an attempt, its 错题本 entry and its compact op together; right when due moves it to 3 days', async () => {
    const { db, records, setTime } = setup();
    expect(await records.recordAttempt({ studentId: 's1', quiz, questionId: 'q1', choice: 0, seconds: 4.4 })).toBe(false);
    expect(await db.reviewItems.get(['s1', 'qz/q1'])).toMatchObject({ step: 0, dueAt: T0 + DAY_MS });
    const [row] = await db.outbox.toArray();
    expect(row?.op).toEqual({ id: 'id1', hlc: expect.any(String) as string, type: 'practice.attempt', lessonId: 'l1', quizId: 'qz', questionId: 'q1', studentId: 's1', choice: 0, s: 4 });
    setTime(T0 + DAY_MS);
    expect(await records.recordAttempt({ studentId: 's1', quiz, questionId: 'q1', choice: 1, seconds: 2 })).toBe(true);
    expect(await db.reviewItems.get(['s1', 'qz/q1'])).toMatchObject({ step: 1, dueAt: T0 + 4 * DAY_MS });
    expect(await db.practiceAttempts.count()).toBe(2);
    expect(await db.outbox.count()).toBe(2);
  });

  it('stores nothing when the transaction fails half-way', async () => {
    const { db, records } = setup();
    db.reviewItems.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(records.recordAttempt({ studentId: 's1', quiz, questionId: 'q1', choice: 0, seconds: 1 })).rejects.toThrow('disk full');
    expect([await db.practiceAttempts.count(), await db.outbox.count()]).toEqual([0, 0]);
  });

  it('locks a 考核 on submit and refuses one outside its window', async () => {
    const { db, records, setTime } = setup();
    const exam: ExamPaper = { id: 'ex', lessonId: 'l1', title: '考核', opensAt: new Date(T0).toISOString(), closesAt: new Date(T0 + 3_600_000).toISOString(), durationSec: 600, questions: [{ id: 'e1', prompt: 'x', choices: ['a', 'b'] }] };
    await records.submitExam({ studentId: 's1', exam, answers: [1], seconds: 30 });
    await expect(records.submitExam({ studentId: 's1', exam, answers: [0], seconds: 31 })).rejects.toBeInstanceOf(ExamLocked);
    setTime(T0 + 3_600_000 + 61_000); // past the window and its minute of grace (the hub's too)
    await expect(records.submitExam({ studentId: 's2', exam, answers: [0], seconds: 31 })).rejects.toThrow('not_open');
    expect(await db.examSubmissions.toArray()).toEqual([{ examId: 'ex', studentId: 's1', answers: [1], seconds: 30, submittedAt: T0 }]);
    expect((await db.outbox.toArray()).map((r) => r.op.type)).toEqual(['exam.submit']);
  });

  it('keeps a student code only hashed', async () => {
    const { db } = setup();
    expect(await checkStudentCode(db, 's1', '')).toBe(true); // no code set: a tap signs in
    await setStudentCode(db, 's1', '0427');
    expect(JSON.stringify(await db.studentCodes.toArray())).not.toContain('0427');
    expect(await checkStudentCode(db, 's1', '0427')).toBe(true);
    expect(await checkStudentCode(db, 's1', '0428')).toBe(false);
  });
});
