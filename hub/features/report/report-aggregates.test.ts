// The report read from the incremental aggregates equals the report computed from raw rows (report-query-raw.ts, the
// code before them), on randomised classroom records pushed through the real apply paths (the bulk path over HTTP and
// the op-by-op path) with edits between reports: attendance overwritten by newer (and not by older) HLCs, 随堂测
// questions answered again, class tallies. Seeded randomness, so a failure replays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import type { Op } from '../../../src/shared/protocol.ts';
import type { DeviceRow } from '../org/org-repo.ts';
import { applyPushOpByOp } from '../records/apply-ops.ts';
import { startTestHub, type TestHub } from '../../testing/test-hub.ts';
import { pendingPairs, refreshIfFew, refreshReportAggregates } from './report-aggregates.ts';
import { audienceWhere, EVERYTHING, type ReportFilter } from './report-filter.ts';
import { queryClassesPage, queryReportView } from './report-query.ts';
import { queryReportRaw } from './report-query-raw.ts';
import { startReportRefresher } from './report-refresher.ts';
import type { Timers } from '../../../src/shared/timers.ts';
import { queryReportSummary } from './report-summary-query.ts';
import { summariseRows } from './report-summary.ts';
import type { ClassRow } from './report-query.ts';
import type { ReportView } from './report-view.ts';

/** Timers the test fires by hand: the hub's background refresher only runs when told. */
function manualTimers(): Timers & { fire(): void } {
  let due: (() => void)[] = [];
  return {
    setTimeout: (f) => due.push(f),
    clearTimeout: () => undefined,
    fire() {
      const now = due;
      due = [];
      for (const f of now) f();
    },
  };
}

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub(undefined, { reportRefresher: { timers: manualTimers() } });
}, 60_000);
afterAll(() => hub.close());

/** mulberry32: a small seeded generator (the test's only randomness). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Classroom = { device: DeviceRow; token: string; students: string[]; quizzes: { lessonId: string; quizId: string; questions: string[] }[] };
const NOW = new Date('2026-11-25T02:00:00Z');
const STATUSES = ['present', 'absent', 'late', 'leave'] as const;

async function classroom(code: string): Promise<Classroom> {
  const { device: enrolled } = await hub.enroll(code);
  const device = await hub.db.get<DeviceRow>(`SELECT id, classroom_id, name, revoked_at FROM devices WHERE id = ?`, [enrolled.id]);
  if (!device) throw new Error('device not stored');
  const students = (await hub.db.all<{ id: string }>(`SELECT id FROM students WHERE classroom_id = ? ORDER BY id`, [device.classroom_id])).map((s) => s.id);
  const quizzes = (
    await hub.db.all<{ lesson_id: string; id: string; body: string }>(
      `SELECT q.lesson_id, q.id, q.body FROM quizzes q JOIN lesson_audience a ON a.lesson_id = q.lesson_id WHERE a.classroom_id = ? ORDER BY q.id`,
      [device.classroom_id],
    )
  )
    .slice(0, 3)
    .map((q) => ({ lessonId: q.lesson_id, quizId: q.id, questions: (JSON.parse(q.body) as { questions: { id: string }[] }).questions.map((x) => x.id) }));
  return { device, token: enrolled.token, students: students.slice(0, 6), quizzes };
}

let n = 0;
function randomOps(c: Classroom, next: () => number): Op[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  // HLCs spread over a window so later pushes carry older stamps too (which must not win).
  const hlc = () => encodeHlc({ wallMs: NOW.getTime() - 3_600_000 + Math.floor(next() * 3_000_000), counter: 0, node: c.device.id });
  return Array.from({ length: 25 }, (): Op => {
    const quiz = pick(c.quizzes);
    const base = { id: `op-agg-${++n}`, seq: n, hlc: hlc(), lessonId: quiz.lessonId };
    const roll = next();
    if (roll < 0.4) return { ...base, type: 'attendance.set', studentId: pick(c.students), status: pick(STATUSES) };
    if (roll < 0.9) return { ...base, type: 'quiz.answer', quizId: quiz.quizId, questionId: pick(quiz.questions), studentId: pick(c.students), choice: Math.floor(next() * 2) };
    const total = 1 + Math.floor(next() * 30);
    return { ...base, type: 'quiz.tally', quizId: quiz.quizId, questionId: pick(quiz.questions), correct: Math.floor(next() * (total + 1)), total };
  });
}

describe('report aggregates', () => {
  it('equal the report computed from raw rows, after every round of edits through both apply paths', async () => {
    const next = random(20261206);
    const classrooms = [await classroom('DEMO-ZJ-1'), await classroom('DEMO-ZJ-2'), await classroom('DEMO-LT-1')];
    const filters: ReportFilter[] = [{}, ...classrooms.map((c) => ({ classroomId: c.device.classroom_id })), { lessonId: classrooms[0]?.quizzes[0]?.lessonId ?? '' }];
    const seen = new Set<string>();
    for (let round = 0; round < 8; round++) {
      for (const c of classrooms) {
        const ops = randomOps(c, next);
        if (round % 2 === 0) {
          const res = await hub.call('/v1/sync/push', { method: 'POST', token: c.token, json: { ops } });
          expect(res.status).toBe(200);
        } else {
          const acks = await applyPushOpByOp(hub.db, c.device, ops, NOW);
          expect(acks.every((a) => a.status === 'applied')).toBe(true);
        }
      }
      // Some rounds recompute a few pairs in chunks of 2 first (what the background refresher does), bounded.
      if (round % 3 === 1) {
        const { done, pending } = await refreshReportAggregates(hub.db, audienceWhere({}, EVERYTHING), 5, 2);
        expect(done).toBe(5);
        expect(pending).toBe(await pendingPairs(hub.db, audienceWhere({}, EVERYTHING)));
        expect(pending).toBeGreaterThan(0);
      }
      // A filtered report first, so the whole report afterwards finds some pairs fresh and some marked.
      for (const filter of [...filters.slice(1), filters[0] ?? {}]) {
        const raw = await queryReportRaw(hub.db, filter, EVERYTHING, NOW);
        await expectSameReport(filter, raw, `round ${round} ${JSON.stringify(filter)}`);
        seen.add(JSON.stringify(raw));
      }
    }
    expect(seen.size).toBeGreaterThan(8 * 3); // the edits changed what the report shows, round after round
    expect(await hub.db.all(`SELECT lesson_id FROM report_dirty`)).toEqual([]);
  }, 60_000);

  it('a student moved to another class or renamed: the report follows (the pairs they count in are marked)', async () => {
    const c = await classroom('DEMO-ZJ-1');
    const student = c.students[0] ?? '';
    const lessonId = c.quizzes[0]?.lessonId ?? '';
    const quiz = c.quizzes[0];
    const hlc = encodeHlc({ wallMs: NOW.getTime(), counter: 0, node: c.device.id });
    const ops: Op[] = [
      { id: 'op-move-1', seq: 1, hlc, type: 'attendance.set', lessonId, studentId: student, status: 'absent' },
      ...(quiz?.questions ?? []).map((questionId, i): Op => ({ id: `op-move-q${i}`, seq: 2 + i, hlc, type: 'quiz.answer', lessonId, quizId: quiz?.quizId ?? '', questionId, studentId: student, choice: 0 })),
    ];
    expect((await hub.call('/v1/sync/push', { method: 'POST', token: c.token, json: { ops } })).status).toBe(200);
    const filter = { lessonId };
    const before = await queryReportRaw(hub.db, filter, EVERYTHING, NOW);
    await expectSameReport(filter, before, 'before');
    const { putStudent } = await import('../timetable/timetable-repo.ts');
    await putStudent(hub.db, { id: student, classroomId: 'cls-zj-7-2', name: '改名后', number: 99 }, NOW);
    const raw = await queryReportRaw(hub.db, filter, EVERYTHING, NOW);
    expect(raw).not.toEqual(before); // the absence moved with the student
    await expectSameReport(filter, raw, 'after the move');
  });

  it('the background refresher drains every mark a chunk a round; an upgraded hub backfills so', async () => {
    await hub.db.run(`INSERT INTO report_dirty (lesson_id, classroom_id, mark) SELECT lesson_id, classroom_id, 'backfill' FROM lesson_audience WHERE true ON CONFLICT (lesson_id, classroom_id) DO UPDATE SET mark = excluded.mark`);
    const marked = await pendingPairs(hub.db, { sql: '1 = 1', params: [] });
    expect(marked).toBeGreaterThan(4);
    // More marked pairs than a request may take: it recomputes none of them and says how many are pending.
    expect(await refreshIfFew(hub.db, { sql: '1 = 1', params: [] }, marked - 1)).toEqual({ pending: marked });
    expect(await pendingPairs(hub.db, { sql: '1 = 1', params: [] })).toBe(marked);
    const timers = manualTimers();
    const refresher = startReportRefresher(hub.db, { timers, chunk: 2, onError: (error) => expect.fail(String(error)) });
    // A report meanwhile answers at once and says how much is still to recompute.
    expect((await queryReportSummary(hub.db, {}, EVERYTHING, NOW)).pending).toBeLessThanOrEqual(marked);
    const drained = refresher.drained();
    timers.fire();
    await drained;
    expect(await pendingPairs(hub.db, { sql: '1 = 1', params: [] })).toBe(0);
    await refresher.stop();
    await expectSameReport({}, await queryReportRaw(hub.db, {}, EVERYTHING, NOW), 'after the backfill');
  });
});

/** Every answer the hub makes from the aggregates, against the raw computation: summary, each page of rows, the export's view. */
async function expectSameReport(filter: ReportFilter, raw: ReportView, label: string) {
  const summary = await queryReportSummary(hub.db, filter, EVERYTHING, NOW);
  const questions = raw.lessons.flatMap((l) => l.questions.map((q) => ({ ...q, lessonId: l.lessonId })));
  expect(summary, `${label}: summary`).toEqual(summariseRows(raw.rows, questions, 0));
  const rows: ClassRow[] = [];
  for (let page = 1; ; page++) {
    const got = await queryClassesPage(hub.db, filter, EVERYTHING, NOW, page);
    rows.push(...got.rows);
    expect(got.studentWeeks, `${label}: students`).toEqual(raw.studentWeeks);
    if (filter.classroomId) expect(got.classWeeks, `${label}: class weeks`).toEqual(raw.classWeeks);
    if (page >= got.pages) break;
  }
  expect(rows, `${label}: rows`).toEqual(raw.rows);
  expect(await queryReportView(hub.db, filter, EVERYTHING, NOW), `${label}: export view`).toEqual({ ...raw, pending: 0 });
}
