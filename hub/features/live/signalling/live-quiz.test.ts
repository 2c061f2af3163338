// 答题器 on the real hub (SQLite, HTTP, WebSocket signalling, real SFU): the console lists the course's questions, pushes a
// typed one and one from another lesson, every classroom gets it (also one joining later), answers arrive through sync
// push and reach the console as per-classroom results — a replayed push (after a cut) counts nothing twice — and the
// lead report shows them. Viewers cannot push; bad pushes are refused by name and change nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../../src/shared/hlc.ts';
import { QuestionResults, QuizPush, type LiveServerMessage } from '../../../../src/shared/live-protocol.ts';
import { EnrollResponse, PullResponse, PushResponse, type Op } from '../../../../src/shared/protocol.ts';
import { rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { openDatabase } from '../../../core/db/open-database.ts';
import type { SqliteDb } from '../../../core/db/sqlite-db.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { buildReport } from '../../report/admin-report.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson } from '../broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';

const ADMIN = 'admin-secret-for-live-quiz-0123456789';
const workerReason = liveUnavailableReason();
const LIVE_QUIZ = `live-${DEMO_LIVE_LESSON_ID}`;
let n = 0;
const answer = (questionId: string, studentId: string, choice: number, quizId = LIVE_QUIZ): Op => ({
  id: `op-quiz-${++n}`,
  seq: n,
  hlc: encodeHlc({ wallMs: 1_000 + n, counter: 0, node: 'dev_quiz' }),
  type: 'quiz.answer',
  lessonId: DEMO_LIVE_LESSON_ID,
  quizId,
  questionId,
  studentId,
  choice,
});

describe.skipIf(workerReason !== null)(`答题器 on the real hub${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: SqliteDb;
  let sfu: LiveSfu;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-quiz-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, live: { sfu } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    sfu?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const enroll = async (code: string) => {
    const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'pc' }) });
    return EnrollResponse.parse(await res.json()).device.token;
  };
  const pushOps = async (token: string, ops: Op[]) => {
    const res = await fetch(`${base}/v1/sync/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ ops }) });
    return PushResponse.parse(await res.json()).acks.map((a) => a.status);
  };
  const joinLesson = async (token: string, role: 'viewer' | 'console') => {
    const socket = await rawLiveSocket(base);
    const joined = await socket.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token, role });
    expect(joined).toMatchObject({ ok: true });
    return { socket, joined: joined.kind === 'response' && joined.ok ? (joined.data as { quizPush?: unknown }) : {} };
  };
  const note = (type: string) => (m: LiveServerMessage) => m.kind === 'notification' && m.notification.type === type;
  const resultsIn = (messages: LiveServerMessage[]) =>
    messages.flatMap((m) => (m.kind === 'notification' && m.notification.type === 'quizResults' ? [QuestionResults.parse(m.notification.results)] : []));

  it('pushes to every classroom, relays answers once, and the report shows them', async () => {
    const tokens = [await enroll('DEMO-ZJ-1'), await enroll('DEMO-ZJ-2')];
    const { socket: lead } = await joinLesson(ADMIN, 'console');
    const { socket: class1 } = await joinLesson(tokens[0] ?? '', 'viewer');

    const listed = await lead.call('listQuestions', {});
    const questions = listed.kind === 'response' && listed.ok ? (listed.data as { questions: { quizId: string; question: { id: string; prompt: string } }[] }).questions : [];
    // The course's 数学 随堂测 bank, each question once however many lessons carry it.
    expect(questions.map((q) => q.question.prompt)).toEqual(['(-3) + 5 = ?', '0.4 × 0.5 = ?', '方程 2x + 3 = 11 的解是']);

    const pushed = await lead.call('pushQuestion', { typed: { prompt: '3 × (-4) = ?', choices: ['12', '-12', '-7', '7'], answer: 1 } });
    expect(pushed).toMatchObject({ ok: true });
    const arrived = await class1.next(note('quizPush'));
    const push = QuizPush.parse(arrived.kind === 'notification' && arrived.notification.type === 'quizPush' ? arrived.notification.push : null);
    expect(push).toMatchObject({ quizId: LIVE_QUIZ, quizTitle: '课堂答题器', question: { id: 'lq1', prompt: '3 × (-4) = ?' } });
    await lead.next(note('quizResults'));
    expect(resultsIn(lead.messages).at(-1)?.classrooms.map((c) => [c.classroomName, c.answered])).toEqual([
      ['七年级(1)班', 0],
      ['七年级(2)班', 0],
    ]);

    // A classroom joining now (or rejoining after a cut) shows the question too.
    const { socket: class2, joined } = await joinLesson(tokens[1] ?? '', 'viewer');
    expect(QuizPush.parse(joined.quizPush).pushId).toBe(push.pushId);
    // The live quiz reaches the classrooms by sync as well, so their answers are in scope.
    const pull = PullResponse.parse(await (await fetch(`${base}/v1/sync/pull?cursor=0`, { headers: { authorization: `Bearer ${tokens[0] ?? ''}` } })).json());
    expect(pull.changes.some((c) => c.type === 'quiz.put' && c.quiz.id === LIVE_QUIZ)).toBe(true);

    // Class 1 answers; the push is replayed (its acknowledgement was lost in a cut), then one more answer comes.
    const first = [answer('lq1', 'stu-zj-7-1-01', 1), answer('lq1', 'stu-zj-7-1-02', 0)];
    expect(await pushOps(tokens[0] ?? '', first)).toEqual(['applied', 'applied']);
    await lead.next((m) => resultsIn([m]).at(0)?.total.answered === 2);
    expect(await pushOps(tokens[0] ?? '', first)).toEqual(['duplicate', 'duplicate']);
    expect(await pushOps(tokens[1] ?? '', [answer('lq1', 'stu-zj-7-2-01', 1)])).toEqual(['applied']);
    await lead.next((m) => resultsIn([m]).at(0)?.total.answered === 3);
    const latest = QuestionResults.parse(resultsIn(lead.messages).at(-1));
    expect(latest.total).toEqual({ answered: 3, correct: 2, choices: [1, 2, 0, 0] });
    expect(latest.classrooms.map((c) => [c.classroomName, c.answered, c.correct])).toEqual([
      ['七年级(1)班', 2, 1],
      ['七年级(2)班', 1, 1],
    ]);
    expect(resultsIn(lead.messages).some((r) => r.total.answered > 3)).toBe(false);

    // A question from another lesson of the course joins the live quiz as its second question.
    const fromCourse = questions[2];
    const second = await lead.call('pushQuestion', { quizId: fromCourse?.quizId, questionId: fromCourse?.question.id });
    expect(second).toMatchObject({ ok: true, data: { push: { quizId: LIVE_QUIZ, question: { id: 'lq2', prompt: '方程 2x + 3 = 11 的解是' } } } });
    await lead.call('closeQuestion', { pushId: (second as { data: { push: { pushId: string } } }).data.push.pushId });
    await class2.next(note('quizClosed'));

    const row = (await buildReport(db)).find((r) => r.lessonId === DEMO_LIVE_LESSON_ID && r.classroomId === 'cls-zj-7-1');
    expect(row?.liveQuiz).toEqual([
      { questionId: 'lq1', prompt: '3 × (-4) = ?', answered: 2, correct: 1 },
      { questionId: 'lq2', prompt: '方程 2x + 3 = 11 的解是', answered: 0, correct: 0 },
    ]);
    const page = await (await fetch(`${base}/report?key=${ADMIN}`)).text();
    expect(page).toContain('1. 3 × (-4) = ?：1/2');
    for (const s of [lead, class1, class2]) s.ws.close();
  });

  it('refuses pushes from a classroom, bad questions and unknown pushes by name, changing nothing', async () => {
    const token = await enroll('DEMO-ZJ-1');
    const { socket: viewer } = await joinLesson(token, 'viewer');
    const { socket: lead } = await joinLesson(ADMIN, 'console');
    const quizBefore = db.raw.prepare(`SELECT body FROM quizzes WHERE id = ?`).get(LIVE_QUIZ);
    const refused = async (socket: typeof viewer, method: 'pushQuestion' | 'closeQuestion' | 'endLesson', data: unknown) => {
      const res = await socket.call(method, data);
      return res.kind === 'response' && !res.ok ? res.error.code : 'accepted';
    };
    expect(await refused(viewer, 'pushQuestion', { typed: { prompt: '?', choices: ['a', 'b'], answer: 0 } })).toBe('forbidden');
    expect(await refused(viewer, 'endLesson', {})).toBe('forbidden');
    expect(await refused(lead, 'pushQuestion', { typed: { prompt: '?', choices: ['a', 'b'], answer: 5 } })).toBe('malformed');
    expect(await refused(lead, 'pushQuestion', { typed: { prompt: '', choices: ['a'], answer: 0 } })).toBe('malformed');
    expect(await refused(lead, 'pushQuestion', { quizId: 'quiz-p5-0-0', questionId: 'q1' })).toBe('not_found'); // another course
    expect(await refused(lead, 'closeQuestion', { pushId: 'nope' })).toBe('not_found');
    expect(db.raw.prepare(`SELECT body FROM quizzes WHERE id = ?`).get(LIVE_QUIZ)).toEqual(quizBefore);
    expect(viewer.messages.some(note('quizPush'))).toBe(false);
    viewer.ws.close();
    lead.ws.close();
  });
});
