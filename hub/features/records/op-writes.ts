// The statements that store applied ops, each taking any number of rows in one round trip (a JSON parameter read as a
// table, sql-db.ts jsonRows): the op-by-op path passes one row, the bulk path a whole batch's.
import type { Change } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { jsonParam, jsonRows } from '../../core/db/sql-db.ts';
import { appendChangesLocked } from '../timetable/change-log.ts';
import type { AttendanceRow, NoteRow, PracticeAttemptRow, QuizAnswerRow } from './op-rules.ts';

export type Claim = { op_id: string; device_id: string; seq: number; type: string; applied_at: string };

/**
 * Claims op ids; returns those this call claimed. A second hub node claiming the same id at the same moment waits on
 * the primary key until the first commits, then finds it taken (exactly once; ARCHITECTURE.md).
 */
export async function claimOps(db: HubDatabase, claims: readonly Claim[]): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const rows = await db.all<{ op_id: string }>(
    `INSERT INTO applied_ops (op_id, device_id, seq, type, applied_at)
     SELECT op_id, device_id, seq, type, applied_at FROM ${jsonRows(db, { op_id: 'text', device_id: 'text', seq: 'integer', type: 'text', applied_at: 'text' })} AS input WHERE true
     ON CONFLICT (op_id) DO NOTHING RETURNING op_id`,
    [jsonParam(claims)],
  );
  return new Set(rows.map((r) => r.op_id));
}

/**
 * Last writer wins by HLC, decided by the engine on the row it has locked for the upsert (no read-then-write). An
 * upsert may touch a row once per statement, so the batch's rows per (lesson, student) are first narrowed to the one
 * applying them in order would leave: the highest HLC, the earliest of equals (a later equal one does not win).
 */
export async function writeAttendance(db: HubDatabase, rows: readonly AttendanceRow[]) {
  if (rows.length === 0) return;
  await db.run(
    `INSERT INTO attendance (lesson_id, student_id, status, hlc, device_id)
     SELECT lesson_id, student_id, status, hlc, device_id FROM (
       SELECT input.*, row_number() OVER (PARTITION BY lesson_id, student_id ORDER BY hlc DESC, ord) AS place
       FROM ${jsonRows(db, { ord: 'integer', lesson_id: 'text', student_id: 'text', status: 'text', hlc: 'text', device_id: 'text' })} AS input
     ) AS ranked WHERE place = 1
     ON CONFLICT (lesson_id, student_id) DO UPDATE SET status = excluded.status, hlc = excluded.hlc, device_id = excluded.device_id
     WHERE excluded.hlc > attendance.hlc`,
    [jsonParam(rows.map((row, ord) => ({ ord, ...row })))],
  );
}

/** Answers and tallies are only ever added (the latest by HLC counts when read). */
export async function writeQuizAnswers(db: HubDatabase, rows: readonly QuizAnswerRow[]) {
  if (rows.length === 0) return;
  const columns = 'op_id, lesson_id, quiz_id, question_id, student_id, choice, correct, total, hlc, classroom_id, device_id';
  const types = { op_id: 'text', lesson_id: 'text', quiz_id: 'text', question_id: 'text', student_id: 'text', choice: 'integer', correct: 'integer', total: 'integer', hlc: 'text', classroom_id: 'text', device_id: 'text' } as const;
  await db.run(`INSERT INTO quiz_answers (${columns}) SELECT ${columns} FROM ${jsonRows(db, types)} AS input`, [jsonParam(rows)]);
}

/** Students' 练习 attempts are only ever added, one row per applied op (its id claimed first: no conflict to handle). */
export async function writePracticeAttempts(db: HubDatabase, rows: readonly PracticeAttemptRow[]) {
  if (rows.length === 0) return;
  const columns = 'op_id, classroom_id, lesson_id, quiz_id, question_id, student_id, choice, correct, seconds, hlc, device_id';
  const types = { op_id: 'text', classroom_id: 'text', lesson_id: 'text', quiz_id: 'text', question_id: 'text', student_id: 'text', choice: 'integer', correct: 'integer', seconds: 'integer', hlc: 'text', device_id: 'text' } as const;
  await db.run(`INSERT INTO practice_attempts (${columns}) SELECT ${columns} FROM ${jsonRows(db, types)} AS input`, [jsonParam(rows)]);
}

/**
 * Every note version is kept (a version already stored is left as it is), and each one applied is announced in the
 * classroom's change log in the batch's order. Only in a transaction holding lockClassroomLog(classroomId).
 */
export async function writeNotes(db: HubDatabase, classroomId: string, notes: readonly { row: NoteRow; change: Change }[], now: Date) {
  if (notes.length === 0) return;
  const columns = 'note_id, hlc, base_hlc, merges, lesson_id, classroom_id, anchor, text, pause, deleted, device_id';
  const types = { ord: 'integer', note_id: 'text', hlc: 'text', base_hlc: 'text', merges: 'text', lesson_id: 'text', classroom_id: 'text', anchor: 'text', text: 'text', pause: 'integer', deleted: 'integer', device_id: 'text' } as const;
  await db.run(`INSERT INTO note_versions (${columns}) SELECT ${columns} FROM ${jsonRows(db, types)} AS input WHERE true ORDER BY ord ON CONFLICT DO NOTHING`, [
    jsonParam(notes.map((n, ord) => ({ ord, ...n.row }))),
  ]);
  await appendChangesLocked(db, classroomId, notes.map((n) => n.change), now);
}
