// Dexie schema version 7 (a 考核 being taken) on its own: an upgrade from version 6 keeps the submissions; a sitting
// keeps its start and answers across a reopen (the clock runs on, nothing is lost), fits its answers to the paper, and
// goes in the transaction that locks the submission.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExamPaper } from '../../shared/protocol.ts';
import { openAppDb, schemaVersions, type AppDb } from './app-db.ts';
import { createRecords } from './records-repo.ts';

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});
const T0 = Date.parse('2026-12-07T02:00:00Z');
const exam: ExamPaper = {
  id: 'ex',
  lessonId: 'l1',
  title: '第一单元考核',
  opensAt: new Date(T0).toISOString(),
  closesAt: new Date(T0 + 3_600_000).toISOString(),
  durationSec: 600,
  questions: [
    { id: 'e1', prompt: '1 + 1', choices: ['1', '2'] },
    { id: 'e2', prompt: '2 + 2', choices: ['4', '5', '6'] },
  ],
};
function setup(name = `v7-${crypto.randomUUID()}`) {
  const db: AppDb = openAppDb(name);
  opened.push(db);
  let t = T0;
  const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date(t) });
  return { db, records, setTime: (ms: number) => (t = ms) };
}

describe('app database schema version 7 (a 考核 being taken)', () => {
  it('declares the sittings table by exam and student', () => {
    expect(schemaVersions.find((v) => v.version === 7)?.stores).toEqual({ examSittings: '[examId+studentId]' });
  });

  it('upgrades a version-6 database in place, keeping its submissions', async () => {
    const name = `v7-${crypto.randomUUID()}`;
    const v6 = new Dexie(name);
    opened.push(v6);
    for (const { version, stores } of schemaVersions.filter((v) => v.version <= 6)) v6.version(version).stores(stores);
    await v6.table('examSubmissions').put({ examId: 'ex', studentId: 's9', answers: [1], seconds: 30, submittedAt: T0 });
    v6.close();
    const { db } = setup(name);
    expect(await db.examSubmissions.count()).toBe(1);
    expect(await db.examSittings.count()).toBe(0);
  });

  it('reopened, a sitting keeps its answers and its clock runs on from the first opening', async () => {
    const { records, setTime } = setup();
    const first = await records.openExamSitting('s1', exam);
    expect(first).toEqual({ examId: 'ex', studentId: 's1', startedAt: T0, answers: [null, null] });
    await records.saveExamAnswers('s1', 'ex', [1, null]);
    setTime(T0 + 240_000); // the student left (退出, idle sign-out, a crash) and comes back 4 minutes later
    const again = await records.openExamSitting('s1', exam);
    expect(again).toEqual({ examId: 'ex', studentId: 's1', startedAt: T0, answers: [1, null] });
    expect(records.examSecondsLeft(again, exam)).toBe(360);
    setTime(T0 + 700_000);
    expect(records.examSecondsLeft(again, exam)).toBe(0);
    // another student's sitting is their own
    expect((await records.openExamSitting('s2', exam)).answers).toEqual([null, null]);
  });

  it('keeps only answers that fit the paper it is opened with', async () => {
    const { db, records } = setup();
    await db.examSittings.put({ examId: 'ex', studentId: 's1', startedAt: T0, answers: [5, 2, 1] });
    expect((await records.openExamSitting('s1', exam)).answers).toEqual([null, 2]);
  });

  it('is gone with the submission it became, in one transaction', async () => {
    const { db, records } = setup();
    await records.openExamSitting('s1', exam);
    await records.saveExamAnswers('s1', 'ex', [1, 0]);
    await records.submitExam({ studentId: 's1', exam, answers: [1, 0], seconds: 42 });
    expect(await db.examSittings.count()).toBe(0);
    expect(await db.examSubmissions.get(['ex', 's1'])).toMatchObject({ answers: [1, 0], seconds: 42 });
  });

  it('a submission that is refused leaves the sitting as it was', async () => {
    const { db, records, setTime } = setup();
    await records.openExamSitting('s1', exam);
    await records.saveExamAnswers('s1', 'ex', [0, 2]);
    setTime(T0 + 3_600_000 + 61_000); // the window closed, and its minute of grace is over
    await expect(records.submitExam({ studentId: 's1', exam, answers: [0, 2], seconds: 600 })).rejects.toThrow('not_open');
    expect(await db.examSittings.get(['ex', 's1'])).toMatchObject({ answers: [0, 2] });
    expect(await db.outbox.count()).toBe(0);
  });
});
