// Students' 练习 and 考核 over real HTTP into a real hub: attempts apply exactly once and are scored by the hub, only
// within the pushing device's classroom; an exam's paper reaches its classrooms without the key, submissions are locked,
// and the key and scores are released on the first pull after the window closes — to each classroom its own students.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import { PullResponse, PushResponse, type Exam, type Op } from '../../../src/shared/protocol.ts';
import { startTestHub, type TestHub } from '../../testing/test-hub.ts';

const START = new Date('2026-11-25T02:00:00Z');
let hub: TestHub;
let zj1: string;
let zj2: string;
let lt: string;
beforeAll(async () => {
  hub = await startTestHub(START);
  zj1 = (await hub.enroll('DEMO-ZJ-1')).device.token;
  zj2 = (await hub.enroll('DEMO-ZJ-2')).device.token;
  lt = (await hub.enroll('DEMO-LT-1')).device.token;
});
afterAll(() => hub.close());

const LESSON = 'les-j7-0-0';
let n = 0;
const base = (wallMs = START.getTime()) => ({ id: `pr-${++n}`, seq: n, hlc: encodeHlc({ wallMs, counter: n, node: 'dev_pr' }) });
const attempt = (studentId: string, choice: number, questionId = 'q1'): Op => ({ ...base(), type: 'practice.attempt', lessonId: LESSON, quizId: 'quiz-j7-0-0', questionId, studentId, choice, s: 7 });
const push = async (token: string, ops: Op[]) => PushResponse.parse((await hub.call('/v1/sync/push', { method: 'POST', token, json: { ops } })).body).acks;
/** Every page from the start of the classroom's log: the whole text (to look for a key) and the changes. */
const pull = async (token: string) => {
  let cursor = 0;
  let text = '';
  const changes: PullResponse['changes'] = [];
  for (;;) {
    const res = await hub.call(`/v1/sync/pull?cursor=${cursor}&limit=1000`, { token });
    const page = PullResponse.parse(res.body);
    text += JSON.stringify(res.body);
    changes.push(...page.changes);
    cursor = page.cursor;
    if (!page.hasMore) return { text, changes };
  }
};
const count = async (sql: string) => (await hub.db.get<{ n: number }>(sql))?.n;

describe('practice attempts', () => {
  it('apply once, scored by the hub, only for the classroom’s own students and lessons', async () => {
    const right = attempt('stu-zj-7-1-01', 1); // (-3) + 5 = 2: B
    const wrong = attempt('stu-zj-7-1-02', 0);
    expect((await push(zj1, [right, wrong, right])).map((a) => a.status)).toEqual(['applied', 'applied', 'duplicate']);
    expect(await hub.db.all(`SELECT student_id, correct, seconds FROM practice_attempts ORDER BY student_id`)).toEqual([
      { student_id: 'stu-zj-7-1-01', correct: 1, seconds: 7 },
      { student_id: 'stu-zj-7-1-02', correct: 0, seconds: 7 },
    ]);
    const refused = await push(zj1, [attempt('stu-zj-7-2-01', 1), attempt('stu-zj-7-1-01', 1, 'q9'), attempt('stu-zj-7-1-01', 7)]);
    expect(refused.map((a) => (a.status === 'rejected' ? a.reason : a.status))).toEqual([
      expect.stringMatching(/not on this classroom's roster/),
      expect.stringMatching(/question q9 is not in quiz/),
      'choice out of range',
    ]);
    // Another school's device: not its lesson, not its students — nothing stored.
    const foreign = await push(lt, [attempt('stu-zj-7-1-01', 1)]);
    expect(foreign[0]?.status).toBe('rejected');
    expect(await count(`SELECT count(*) AS n FROM practice_attempts`)).toBe(2);
  });

  it('shows in the lead school’s report (admin only), not to devices', async () => {
    const report = await hub.admin('/v1/admin/report');
    const practice = (report.body as { practice: { students: { student: string; attempts: number; correct: number }[] } }).practice;
    expect(practice.students.map((s) => [s.attempts, s.correct])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    expect((await hub.call('/v1/admin/practice-report', { token: zj1 })).status).toBe(401);
    expect((await hub.call('/report?key=wrong')).status).toBe(401);
    expect(String((await hub.call(`/report?key=${'admin-secret-for-tests-0123456789'}`)).body)).toContain('学生练习');
  });
});

describe('考核', () => {
  const opensAt = '2026-11-25T02:00:00Z';
  const closesAt = '2026-11-25T03:00:00Z';
  const exam: Exam = {
    paper: {
      id: 'exam-1',
      lessonId: LESSON,
      title: '第一单元考核',
      opensAt,
      closesAt,
      durationSec: 600,
      questions: [
        { id: 'e1', prompt: '1 + 1 = ?', choices: ['1', '2', '3'] },
        { id: 'e2', prompt: '2 × 3 = ?', choices: ['5', '6'] },
      ],
    },
    key: [1, 1],
  };
  const submit = (studentId: string, answers: (number | null)[], wallMs: number): Op => ({ ...base(wallMs), type: 'exam.submit', lessonId: LESSON, examId: 'exam-1', studentId, answers, s: 300 });

  it('publishes the paper without its key, locks submissions, releases key and scores after close', async () => {
    expect((await hub.admin('/v1/admin/exams/exam-1', { method: 'PUT', json: { ...exam, key: [1, 5] } })).status).toBe(400);
    expect((await hub.admin('/v1/admin/exams/other', { method: 'PUT', json: exam })).status).toBe(400);
    expect((await hub.admin('/v1/admin/exams/exam-1', { method: 'PUT', json: exam })).status).toBe(200);
    const before = await pull(zj1);
    expect(before.changes.filter((c) => c.type === 'exam.put')).toHaveLength(1);
    expect(before.text).not.toMatch(/"key"/);
    expect(before.changes.some((c) => c.type === 'exam.result')).toBe(false);
    expect((await pull(lt)).changes.some((c) => c.type === 'exam.put')).toBe(false); // not on its timetable

    const inWindow = Date.parse(opensAt) + 60_000;
    const acks = await push(zj1, [
      submit('stu-zj-7-1-01', [1, 1], inWindow),
      submit('stu-zj-7-1-02', [0, null], inWindow),
      submit('stu-zj-7-1-01', [1, 0], inWindow + 1), // locked: a second submit is refused
      submit('stu-zj-7-1-03', [1, 1], Date.parse(opensAt) - 60_000),
      submit('stu-zj-7-1-05', [1], inWindow),
    ]);
    expect(acks.map((a) => (a.status === 'rejected' ? a.reason.split(':')[0] : a.status))).toEqual([
      'applied',
      'applied',
      'exam_already_submitted',
      'exam_not_open',
      'exam exam-1 has 2 questions, got 1 answers',
    ]);
    hub.setNow(new Date(Date.parse(closesAt) - 1));
    expect((await pull(zj1)).text).not.toMatch(/"key"/);

    hub.setNow(new Date(Date.parse(closesAt) + 1000));
    const after = await pull(zj1);
    const results = after.changes.flatMap((c) => (c.type === 'exam.result' ? [c.result] : []));
    expect(results).toEqual([
      {
        examId: 'exam-1',
        key: [1, 1],
        scores: [
          { studentId: 'stu-zj-7-1-01', correct: 2, total: 2 },
          { studentId: 'stu-zj-7-1-02', correct: 0, total: 2 },
        ],
      },
    ]);
    expect((await pull(zj1)).changes.filter((c) => c.type === 'exam.result')).toHaveLength(1); // released once
    // The other class on the same lesson gets the key and only its own students (none submitted).
    expect((await pull(zj2)).changes.flatMap((c) => (c.type === 'exam.result' ? [c.result] : []))).toEqual([{ examId: 'exam-1', key: [1, 1], scores: [] }]);
    // Stamped after the window: refused. Taken offline in the window and uploaded late: scored, released again.
    expect((await push(zj1, [submit('stu-zj-7-1-04', [1, 1], Date.parse(closesAt) + 120_000)]))[0]).toMatchObject({ reason: expect.stringMatching(/^exam_closed/) as string });
    expect((await push(zj1, [submit('stu-zj-7-1-06', [1, 0], inWindow)]))[0]?.status).toBe('applied');
    const again = (await pull(zj1)).changes.flatMap((c) => (c.type === 'exam.result' ? [c.result.scores.length] : []));
    expect(again).toEqual([2, 3]);
    const exams = ((await hub.admin('/v1/admin/report')).body as { practice: { exams: { student: string; correct: number }[] } }).practice.exams;
    expect(exams).toHaveLength(3);
  });
});
