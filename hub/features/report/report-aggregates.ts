// The report's aggregates per (lesson, classroom), recomputed only for pairs a push marked (markReportDirty in
// hub/features/records/report-marks.ts) with the queries the report used to run over all raw rows, restricted to those pairs — so the
// figures are the same by construction (report-aggregates.test.ts checks it against report-query-raw.ts).
//
// Safe across hub nodes: the marks are locked (PostgreSQL: FOR UPDATE, in key order as markReportDirty takes them) so
// two recomputations of a pair never overlap (a request waits its turn, the background refresher skips it); a mark is
// deleted only if it is still the one read, so a pair marked again by a push committed meanwhile stays marked for the
// next report.
import type { SqlDb } from '../../core/db/sql-db.ts';
import { inJsonList, jsonParam, jsonRows } from '../../core/db/sql-db.ts';
import { NEED_HELP_BELOW } from './report-view.ts';

type Pair = { lesson_id: string; classroom_id: string };
type Counts = { present: number; absent: number; late: number; leave: number; recorded: number; quiz_answered: number | null; quiz_correct: number | null; names: string[] };
const STATUSES = ['present', 'absent', 'late', 'leave'] as const;
type Answer = Pair & { quiz_id: string; question_id: string; student_id: string | null; correct: number; total: number; hlc: string };
const key = (p: Pair) => `${p.lesson_id}\u0000${p.classroom_id}`;

type Where = { sql: string; params: readonly string[] };
const MARKED = `report_dirty d JOIN lesson_audience a ON a.lesson_id = d.lesson_id AND a.classroom_id = d.classroom_id
  JOIN lessons l ON l.id = a.lesson_id JOIN classrooms cl ON cl.id = a.classroom_id`;

/**
 * Recomputes at most `limit` marked pairs among those `where` (over lesson_audience a, lessons l, classrooms cl)
 * selects, `chunk` pairs a transaction (pushes never wait for more than one chunk), and answers how many it did and how
 * many are still marked. A request passes a small limit (it must answer in well under a second); the background
 * refresher (report-refresher.ts) drains the rest.
 */
export async function refreshReportAggregates(db: SqlDb, where: Where, limit: number, chunk = 500, skipLocked = false): Promise<{ done: number; pending: number }> {
  let done = 0;
  while (done < limit) {
    const n = await db.transaction((tx) => refreshChunk(tx, where, Math.min(chunk, limit - done), skipLocked));
    done += n;
    if (n === 0) break;
  }
  return { done, pending: done < limit ? 0 : await pendingPairs(db, where) };
}

/**
 * What a request does before it reads the aggregates: recompute the selection's marked pairs if there are at most
 * `limit` of them (a lesson's classes pushed since the last look: the answer is then exact), else none — the background
 * refresher is on them, and the answer says how many are `pending` instead of making the user wait for all.
 */
export async function refreshIfFew(db: SqlDb, where: Where, limit: number): Promise<{ pending: number }> {
  const marked = await pendingPairs(db, where);
  if (marked === 0 || marked > limit) return { pending: marked };
  return { pending: (await refreshReportAggregates(db, where, limit)).pending };
}

/** Marked pairs among those `where` selects: what a report answer calls `pending` (its figures leave them out of date). */
export async function pendingPairs(db: SqlDb, where: Where): Promise<number> {
  return Number((await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${MARKED} WHERE ${where.sql}`, where.params))?.n ?? 0);
}

async function refreshChunk(tx: SqlDb, where: Where, chunk: number, skipLocked: boolean): Promise<number> {
  // The background refresher skips a mark locked by a push still in flight or by the other node's refresher, leaving it
  // for its next round (waiting was 40 of 185 s of PostgreSQL's time in `npm run load`); a request waits (≤ one chunk)
  // so that its answer is exact.
  const lock = tx.dialect === 'postgres' ? ` FOR UPDATE OF d${skipLocked ? ' SKIP LOCKED' : ''}` : '';
  // Every statement of a chunk is a key lookup per pair or per student, but the keys come as a JSON parameter the
  // planner has no statistics for, and a table filling up fast (a school day's pushes) has stale ones: PostgreSQL then
  // chose a parallel scan of all of attendance per chunk (318 ms a chunk at 145 000 rows, and growing over a term).
  // Index lookups only, in this transaction alone.
  if (tx.dialect === 'postgres') await tx.exec('SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL max_parallel_workers_per_gather = 0');
  const marked = await tx.all<Pair & { mark: string }>(
    `SELECT d.lesson_id, d.classroom_id, d.mark FROM ${MARKED} WHERE ${where.sql} ORDER BY d.lesson_id, d.classroom_id LIMIT ${chunk}${lock}`,
    where.params,
  );
  if (marked.length === 0) return 0;
  const pairs = jsonRows(tx, { lesson_id: 'text', classroom_id: 'text', mark: 'text' });
  const param = [jsonParam(marked)];
  const counts = new Map<string, Counts>(marked.map((p) => [key(p), { present: 0, absent: 0, late: 0, leave: 0, recorded: 0, quiz_answered: null, quiz_correct: null, names: [] }]));
  const at = (p: Pair) => counts.get(key(p));

  // The classes' rosters first (a few index pages per class; also who needs help, by name), then each (lesson, student)
  // of a pair looked up by attendance's primary key: exact keys leave the engine no plan to get wrong. Joining the
  // pairs to students and attendance in one statement let PostgreSQL walk all of attendance, or every lesson of each
  // student (72 of 196 s of its time in `npm run load`), for want of statistics on a JSON parameter.
  const roster = await tx.all<{ id: string; name: string; classroom_id: string }>(
    `SELECT st.id, st.name, st.classroom_id FROM students st WHERE st.classroom_id IN (SELECT DISTINCT p.classroom_id FROM ${pairs} AS p)`,
    param,
  );
  const names = new Map(roster.map((s) => [s.id, s.name]));
  const byClass = new Map<string, string[]>();
  for (const s of roster) {
    const ids = byClass.get(s.classroom_id);
    if (ids) ids.push(s.id);
    else byClass.set(s.classroom_id, [s.id]);
  }
  const keys = marked.flatMap((p) => (byClass.get(p.classroom_id) ?? []).map((student_id) => ({ lesson_id: p.lesson_id, classroom_id: p.classroom_id, student_id })));
  if (keys.length > 0) {
    for (const r of await tx.all<Pair & { status: string; n: number }>(
      `SELECT k.lesson_id, k.classroom_id, t.status, count(*) AS n FROM ${jsonRows(tx, { lesson_id: 'text', classroom_id: 'text', student_id: 'text' })} AS k
        CROSS JOIN attendance t WHERE t.lesson_id = k.lesson_id AND t.student_id = k.student_id GROUP BY k.lesson_id, k.classroom_id, t.status`,
      [jsonParam(keys)],
    )) {
      const c = at(r);
      if (!c) continue;
      const status = STATUSES.find((s) => s === r.status);
      if (status) c[status] = Number(r.n);
      c.recorded += Number(r.n);
    }
  }

  // The latest answer per student and question by HLC (a class tally: the latest per question), picked here rather
  // than by row_number() in the engine: the pairs' answers are read once, and the window's sort was most of the time.
  const latest = new Map<string, Answer>();
  for (const q of await tx.all<Answer>(
    `SELECT p.lesson_id, p.classroom_id, q.quiz_id, q.question_id, q.student_id, q.correct, q.total, q.hlc
       FROM ${pairs} AS p CROSS JOIN quiz_answers q WHERE q.lesson_id = p.lesson_id AND q.classroom_id = p.classroom_id`,
    param,
  )) {
    const k = `${key(q)}\u0000${q.quiz_id}\u0000${q.question_id}\u0000${q.student_id ?? '\u0000'}`;
    const held = latest.get(k);
    if (!held || q.hlc > held.hlc) latest.set(k, q);
  }
  // A student who answered here and has moved to another class since (rare): by id.
  const moved = [...new Set([...latest.values()].flatMap((q) => (q.student_id !== null && !names.has(q.student_id) ? [q.student_id] : [])))];
  if (moved.length > 0) for (const s of await tx.all<{ id: string; name: string }>(`SELECT id, name FROM students WHERE ${inJsonList(tx, 'id')}`, [jsonParam(moved)])) names.set(s.id, s.name);
  const questionTotals = new Map<string, Pair & { quiz_id: string; question_id: string; correct: number; total: number }>();
  const students = new Map<string, { pair: Pair; name: string; correct: number; total: number }>();
  for (const q of latest.values()) {
    const qk = `${key(q)}\u0000${q.quiz_id}\u0000${q.question_id}`;
    const t = questionTotals.get(qk) ?? { lesson_id: q.lesson_id, classroom_id: q.classroom_id, quiz_id: q.quiz_id, question_id: q.question_id, correct: 0, total: 0 };
    t.correct += Number(q.correct);
    t.total += Number(q.total);
    questionTotals.set(qk, t);
    const name = q.student_id === null ? undefined : names.get(q.student_id);
    if (name === undefined) continue; // a class tally, or a student now on no roster of these classes
    const sk = `${key(q)}\u0000${q.student_id}`;
    const s = students.get(sk) ?? { pair: q, name, correct: 0, total: 0 };
    s.correct += Number(q.correct);
    s.total += 1;
    students.set(sk, s);
  }
  const questions = [...questionTotals.values()];
  for (const q of questions) {
    const c = at(q);
    if (!c) continue;
    c.quiz_answered = (c.quiz_answered ?? 0) + q.total;
    c.quiz_correct = (c.quiz_correct ?? 0) + q.correct;
  }
  for (const s of students.values()) {
    const c = at(s.pair);
    if (c && s.correct / s.total < NEED_HELP_BELOW) c.names.push(s.name);
  }

  const inPairs = `(lesson_id, classroom_id) IN (SELECT lesson_id, classroom_id FROM ${pairs} AS p)`;
  await tx.run(`DELETE FROM report_class_lesson WHERE ${inPairs}`, param);
  await tx.run(`DELETE FROM report_question WHERE ${inPairs}`, param);
  const rows = [...counts.entries()].map(([k, c]) => {
    const [lesson_id, classroom_id] = k.split('\u0000');
    return { lesson_id, classroom_id, present: c.present, absent: c.absent, late: c.late, leave: c.leave, recorded: c.recorded, quiz_answered: c.quiz_answered, quiz_correct: c.quiz_correct, need_help: JSON.stringify(c.names), need_help_count: c.names.length };
  });
  const rowColumns = { lesson_id: 'text', classroom_id: 'text', present: 'integer', absent: 'integer', late: 'integer', leave: 'integer', recorded: 'integer', quiz_answered: 'integer', quiz_correct: 'integer', need_help: 'text', need_help_count: 'integer' } as const;
  const rowNames = Object.keys(rowColumns).join(', ');
  await tx.run(`INSERT INTO report_class_lesson (${rowNames}) SELECT ${rowNames} FROM ${jsonRows(tx, rowColumns)} AS input`, [jsonParam(rows)]);
  const questionColumns = { lesson_id: 'text', classroom_id: 'text', quiz_id: 'text', question_id: 'text', answered: 'integer', correct: 'integer' } as const;
  const qNames = Object.keys(questionColumns).join(', ');
  await tx.run(`INSERT INTO report_question (${qNames}) SELECT ${qNames} FROM ${jsonRows(tx, questionColumns)} AS input`, [
    jsonParam(questions.map((q) => ({ lesson_id: q.lesson_id, classroom_id: q.classroom_id, quiz_id: q.quiz_id, question_id: q.question_id, answered: Number(q.total), correct: Number(q.correct) }))),
  ]);
  await tx.run(`DELETE FROM report_dirty WHERE (lesson_id, classroom_id, mark) IN (SELECT lesson_id, classroom_id, mark FROM ${pairs} AS p)`, param);
  return marked.length;
}
