// Push over real HTTP into a real SQLite file: idempotent apply, merge rules, per-op rejection, scope, gzip, report.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import { PullResponse, PushResponse, type Op } from '../../../src/shared/protocol.ts';
import { startTestHub, type TestHub } from '../../testing/test-hub.ts';
import { chinaTime } from '../report/admin-report.ts';

let hub: TestHub;
beforeAll(async () => (hub = await startTestHub()));
afterAll(() => hub.close());

// A math lesson of the 七年级 classes (live, shared by both 昭觉 classrooms) with its demo quiz, and a student of each class.
const LESSON = 'les-j7-0-0';
const QUIZ = 'quiz-j7-0-0';
const STUDENT_1 = 'stu-zj-7-1-01';
const STUDENT_2 = 'stu-zj-7-2-01';
let n = 0;
const hlc = (wallMs: number, node = 'dev_test') => encodeHlc({ wallMs, counter: 0, node });
const opId = () => `op-${process.pid}-${++n}`;

async function push(token: string, ops: unknown[]) {
  const res = await hub.call('/v1/sync/push', { method: 'POST', token, json: { ops } });
  expect(res.status).toBe(200);
  return PushResponse.parse(res.body).acks;
}
const attendance = (studentId: string, status: 'present' | 'absent' | 'late' | 'leave', wallMs: number): Op => ({
  id: opId(), seq: n, hlc: hlc(wallMs), type: 'attendance.set', lessonId: LESSON, studentId, status,
});
const statusOf = async (studentId: string) =>
  (await hub.db.get<{ status: string }>(`SELECT status FROM attendance WHERE lesson_id = ? AND student_id = ?`, [LESSON, studentId]))?.status;

describe('push', () => {
  it('applies an op once: a replayed batch is acknowledged as duplicate and changes nothing', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const ops = [attendance(STUDENT_1, 'absent', 1_000), attendance('stu-zj-7-1-02', 'late', 1_000)];
    expect((await push(device.token, ops)).map((a) => a.status)).toEqual(['applied', 'applied']);
    expect((await push(device.token, ops)).map((a) => a.status)).toEqual(['duplicate', 'duplicate']);
    expect(await hub.db.get(`SELECT count(*) AS n FROM applied_ops WHERE device_id = ?`, [device.id])).toEqual({ n: 2 });
    expect(await statusOf(STUDENT_1)).toBe('absent');
  });

  it('compact acks on request: acknowledged ops as seq ranges (a duplicate too), a rejected op by id, a few bytes back', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const ops = Array.from({ length: 300 }, (_, i) => ({ ...attendance(`stu-zj-7-1-0${(i % 5) + 1}`, 'present', 100 + i), seq: 1000 + i }));
    await push(device.token, [ops[10]]); // applied before: comes back as a duplicate, acknowledged all the same
    const refused = { ...attendance(STUDENT_2, 'absent', 1), seq: 2000 }; // another class's student
    const res = await hub.call('/v1/sync/push', { method: 'POST', token: device.token, json: { ops: [...ops, refused], acks: 'compact' } });
    const body = PushResponse.parse(res.body);
    expect(body.acknowledged).toEqual([[1000, 1299]]);
    expect(body.maxOps).toBe(5000);
    expect(body.acks).toEqual([{ id: refused.id, status: 'rejected', reason: expect.stringContaining('roster') as string }]);
    expect(JSON.stringify(body).length).toBeLessThan(300);
    // Without the request, one ack per op, as before.
    expect((await push(device.token, ops.slice(0, 3))).map((a) => a.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
  });

  it('attendance: the later HLC wins whatever order the ops arrive in', async () => {
    const a = (await hub.enroll('DEMO-ZJ-1')).device;
    const b = (await hub.enroll('DEMO-ZJ-1')).device;
    await push(b.token, [attendance('stu-zj-7-1-03', 'leave', 5_000)]);
    await push(a.token, [attendance('stu-zj-7-1-03', 'absent', 4_000)]); // older edit arrives later
    expect(await statusOf('stu-zj-7-1-03')).toBe('leave');
  });

  it('rejects a malformed op with a reason and still applies the rest of the batch', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const good = attendance('stu-zj-7-1-04', 'absent', 9_000);
    const acks = await push(device.token, [{ id: 'bad-1', type: 'attendance.set', lessonId: LESSON }, 42, good, { ...good, id: opId(), hlc: 'nonsense' }]);
    expect(acks.map((a) => a.status)).toEqual(['rejected', 'rejected', 'applied', 'rejected']);
    expect(acks[0]).toMatchObject({ id: 'bad-1', reason: expect.stringContaining('malformed') as string });
    expect(acks[3]).toMatchObject({ reason: 'malformed hlc' });
  });

  it('rejects text with a NUL character by name on every store (PostgreSQL cannot hold one), storing nothing of it', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const good = attendance('stu-zj-7-1-06', 'late', 9_500);
    const nul: Op = {
      id: opId(), seq: n, hlc: hlc(9_600), type: 'note.put', noteId: 'note-nul', lessonId: LESSON, baseHlc: null, merges: [],
      anchor: { kind: 'section', section: '导入' }, text: 'a\u0000b', pause: false, deleted: false,
    };
    const acks = await push(device.token, [nul, good]);
    expect(acks.map((a) => a.status)).toEqual(['rejected', 'applied']);
    expect(acks[0]).toMatchObject({ id: nul.id, reason: expect.stringContaining('malformed') as string });
    expect(await hub.db.all(`SELECT note_id FROM note_versions WHERE note_id = 'note-nul'`)).toEqual([]);
    expect(await statusOf('stu-zj-7-1-06')).toBe('late');
  });

  it('refuses ops for another school’s lesson or another class’s student', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const [otherLesson, otherStudent] = await push(device.token, [
      { ...attendance(STUDENT_1, 'absent', 1), lessonId: 'les-p5-0-0' },
      attendance(STUDENT_2, 'absent', 1),
    ]);
    expect(otherLesson).toMatchObject({ status: 'rejected', reason: expect.stringContaining('timetable') as string });
    expect(otherStudent).toMatchObject({ status: 'rejected', reason: expect.stringContaining('roster') as string });
    expect(await statusOf(STUDENT_2)).toBeUndefined();
  });

  it('keeps both versions of a note edited on two devices from the same base, and shares them with the classroom', async () => {
    const a = (await hub.enroll('DEMO-ZJ-2')).device;
    const b = (await hub.enroll('DEMO-ZJ-2')).device;
    const before = PullResponse.parse((await hub.call('/v1/sync/pull?cursor=0&limit=2000', { token: b.token })).body).cursor;
    const note = (text: string, wallMs: number, base: string | null): Op => ({
      id: opId(), seq: n, hlc: hlc(wallMs), type: 'note.put', noteId: 'note-1', lessonId: LESSON, baseHlc: base, merges: [],
      anchor: { kind: 'time', seconds: 750 }, text, pause: true, deleted: false,
    });
    await push(a.token, [note('12:30 暂停，讲通分', 10_000, null)]);
    await push(a.token, [note('12:30 暂停，用本地例子讲通分', 11_000, hlc(10_000))]);
    await push(b.token, [note('12:30 暂停，先复习分数', 12_000, hlc(10_000))]);
    const versions = await hub.db.all(`SELECT text FROM note_versions WHERE note_id = 'note-1' ORDER BY hlc`);
    expect(versions).toHaveLength(3);
    const seen = PullResponse.parse((await hub.call(`/v1/sync/pull?cursor=${before}`, { token: b.token })).body).changes;
    expect(seen.filter((c) => c.type === 'note.version')).toHaveLength(3);
  });

  it('records quiz answers append-only, scores them from the definition, and reports accuracy and who needs help', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const answer = (studentId: string, questionId: string, choice: number, wallMs: number): Op => ({
      id: opId(), seq: n, hlc: hlc(wallMs), type: 'quiz.answer', lessonId: LESSON, quizId: QUIZ, questionId, studentId, choice,
    });
    const acks = await push(device.token, [
      answer('stu-zj-7-1-05', 'q1', 1, 20_000), // right
      answer('stu-zj-7-1-05', 'q2', 0, 20_000), // right
      answer('stu-zj-7-1-06', 'q1', 0, 20_000), // wrong …
      answer('stu-zj-7-1-06', 'q1', 1, 21_000), // … corrected: the latest counts
      answer('stu-zj-7-1-07', 'q1', 3, 20_000), // wrong
      answer('stu-zj-7-1-07', 'q9', 0, 20_000), // no such question
    ]);
    expect(acks.map((a) => a.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'rejected']);
    const report = (await hub.admin('/v1/admin/report')).body as { rows: { lessonId: string; classroomId: string; quiz: { answered: number; correct: number; needHelp: string[] } }[] };
    const row = report.rows.find((r) => r.lessonId === LESSON && r.classroomId === 'cls-zj-7-1');
    expect(row?.quiz).toMatchObject({ answered: 4, correct: 3 });
    expect(row?.quiz.needHelp).toHaveLength(1);
    const html = await hub.call(`/report?key=${encodeURIComponent('admin-secret-for-tests-0123456789')}`);
    expect(html.status).toBe(200);
    expect(String(html.body)).toContain('七年级(1)班');
    expect(String(html.body)).toMatch(/缺勤 \d+/);
  });

  it('reports 出勤 as present + late, like the app, and 未考勤 for a classroom that took no attendance', async () => {
    const one = (await hub.enroll('DEMO-ZJ-1')).device;
    const two = (await hub.enroll('DEMO-ZJ-2')).device;
    await push(one.token, [attendance('stu-zj-7-1-10', 'late', 40_000), attendance('stu-zj-7-1-11', 'absent', 40_000)]);
    await push(two.token, [{ id: opId(), seq: n, hlc: hlc(40_000), type: 'quiz.answer', lessonId: LESSON, quizId: QUIZ, questionId: 'q1', studentId: 'stu-zj-7-2-05', choice: 1 }]);
    type Row = { lessonId: string; classroomId: string; roster: number; attendance: { taken: boolean; arrived?: number; absent?: number; leave?: number; late?: number } };
    const rows = ((await hub.admin('/v1/admin/report')).body as { rows: Row[] }).rows.filter((r) => r.lessonId === LESSON);
    const taken = rows.find((r) => r.classroomId === 'cls-zj-7-1')?.attendance;
    const roster = rows.find((r) => r.classroomId === 'cls-zj-7-1')?.roster ?? 0;
    expect(taken?.taken).toBe(true);
    expect(taken?.late).toBeGreaterThanOrEqual(1);
    expect(taken?.arrived).toBe(roster - (taken?.absent ?? 0) - (taken?.leave ?? 0)); // late students arrived
    expect(rows.find((r) => r.classroomId === 'cls-zj-7-2')?.attendance).toEqual({ taken: false, expected: 40, recorded: 0 });
    const html = String((await hub.call(`/report?key=${encodeURIComponent('admin-secret-for-tests-0123456789')}`)).body);
    const notTaken = new RegExp(`<tr data-lesson="${LESSON}" data-classroom="cls-zj-7-2">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
    expect(notTaken).toContain('未考勤');
    expect(notTaken).not.toContain('出勤 40/40');
  });

  it.each([
    ['2026-11-30T11:10:00.000Z', '2026-11-30 19:10'],
    ['2026-11-30T08:00:00+08:00', '2026-11-30 08:00'],
    ['2026-11-30T20:30:00Z', '2026-12-01 04:30'],
  ])('shows lesson times in China time, 24-hour (%s → %s)', (iso, shown) => {
    expect(chinaTime(iso)).toBe(shown);
  });

  it('accepts a gzip-compressed push and refuses the report without the admin key', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const body = gzipSync(JSON.stringify({ ops: [attendance('stu-zj-7-1-08', 'late', 30_000)] }));
    const res = await fetch(`${hub.base}/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
    });
    expect(PushResponse.parse(await res.json()).acks[0]?.status).toBe('applied');
    expect((await hub.call('/report?key=wrong-key-0000000000')).status).toBe(401);
  });
});
