// A 考核 left with time on the clock (退出, the idle sign-out, the screen switched) is handed in by the PC when its time
// is up, with the answers the sitting kept, without anyone opening the paper again; the time left also runs out when
// the window closes first; a sitting whose time ran out while the PC was off, past the window's grace, is kept, not
// handed in (the hub would refuse it) and counted.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExamPaper } from '../../shared/protocol.ts';
import { openAppDb, type AppDb } from './app-db.ts';
import { createRecords } from './records-repo.ts';

const opened: AppDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});
const T0 = Date.parse('2026-12-07T02:00:00Z');
const paper = (closesInSec: number): ExamPaper => ({
  id: `ex-${closesInSec}`,
  lessonId: 'l1',
  title: '第一单元考核',
  opensAt: new Date(T0).toISOString(),
  closesAt: new Date(T0 + closesInSec * 1000).toISOString(),
  durationSec: 600,
  questions: [
    { id: 'e1', prompt: '1 + 1', choices: ['1', '2'] },
    { id: 'e2', prompt: '2 + 2', choices: ['4', '5', '6'] },
  ],
});

async function setup(exam: ExamPaper) {
  const db = openAppDb(`hand-in-${crypto.randomUUID()}`);
  opened.push(db);
  let t = T0;
  const records = createRecords({ db, deviceId: 'dev_a', now: () => new Date(t) });
  await db.exams.put(exam);
  return { db, records, setTime: (ms: number) => (t = ms) };
}

const submitOps = async (db: AppDb) => (await db.outbox.toArray()).map((row) => row.op).filter((op) => op.type === 'exam.submit');

describe('考核 sittings handed in by the PC when their time is up', () => {
  it('a paper left after one answer is handed in at its tenth minute, with that answer, once', async () => {
    const exam = paper(3600);
    const { db, records, setTime } = await setup(exam);
    await records.openExamSitting('s1', exam);
    await records.saveExamAnswers('s1', exam.id, [1, null]);
    await records.openExamSitting('s2', exam); // another student, started later
    await db.examSittings.update([exam.id, 's2'], { startedAt: T0 + 120_000 });

    setTime(T0 + 599_000);
    expect(await records.handInLapsedSittings()).toEqual({ handedIn: 0, tooLate: 0 });
    expect(await db.examSubmissions.count()).toBe(0);

    setTime(T0 + 600_000);
    expect(await records.handInLapsedSittings()).toEqual({ handedIn: 1, tooLate: 0 });
    expect(await db.examSubmissions.get([exam.id, 's1'])).toMatchObject({ answers: [1, null], seconds: 600 });
    expect(await submitOps(db)).toEqual([expect.objectContaining({ examId: exam.id, studentId: 's1', answers: [1, null], s: 600 })]);
    expect((await db.examSittings.toArray()).map((s) => s.studentId)).toEqual(['s2']);
    expect(await records.handInLapsedSittings()).toEqual({ handedIn: 0, tooLate: 0 });
    expect(await submitOps(db)).toHaveLength(1);
  });

  it('a window closing before the paper’s ten minutes ends the time left, and the paper is handed in then', async () => {
    const exam = paper(300);
    const { db, records, setTime } = await setup(exam);
    const sitting = await records.openExamSitting('s1', exam);
    await records.saveExamAnswers('s1', exam.id, [0, 2]);
    setTime(T0 + 100_000);
    expect(records.examSecondsLeft(sitting, exam)).toBe(200);
    setTime(T0 + 300_500); // the tick after the window closed: within its grace
    expect(records.examSecondsLeft(sitting, exam)).toBe(0);
    expect(await records.handInLapsedSittings()).toEqual({ handedIn: 1, tooLate: 0 });
    expect(await db.examSubmissions.get([exam.id, 's1'])).toMatchObject({ answers: [0, 2], seconds: 300 });
  });

  it('a sitting that ran out while the PC was off, past the grace, is kept and counted, not handed in', async () => {
    const exam = paper(300);
    const { db, records, setTime } = await setup(exam);
    await records.openExamSitting('s1', exam);
    await records.saveExamAnswers('s1', exam.id, [1, 1]);
    setTime(T0 + 300_000 + 61_000);
    expect(await records.handInLapsedSittings()).toEqual({ handedIn: 0, tooLate: 1 });
    expect(await db.examSittings.get([exam.id, 's1'])).toMatchObject({ answers: [1, 1] });
    expect(await db.examSubmissions.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('a sitting whose paper is no longer on the PC is left as it is', async () => {
    const exam = paper(3600);
    const { db, records, setTime } = await setup(exam);
    await records.openExamSitting('s1', exam);
    await db.exams.delete(exam.id);
    setTime(T0 + 700_000);
    expect(await records.handInLapsedSittings()).toEqual({ handedIn: 0, tooLate: 0 });
    expect(await db.examSittings.count()).toBe(1);
  });
});
