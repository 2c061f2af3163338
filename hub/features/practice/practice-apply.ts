// Applies students' 练习 attempts and 考核 submissions op by op (called from apply-ops.ts inside the op's savepoint,
// after its id was claimed, so each applies exactly once). Scope: apply-ops.ts has checked the lesson is on the pushing
// device's timetable; here the student must be on its roster and the quiz or exam part of that lesson — another
// school's device can write nothing here. An attempt's rules and scoring are op-rules.ts practiceAttemptRow, shared
// with the bulk path (apply-bulk.ts), where attempts normally go; here they run when a batch falls back to op by op.
// A submission (rare, once-only, windowed) always comes here. An exam's key never leaves the hub before its window
// closes (exam-repo.ts).
import { decodeHlc } from '../../../src/shared/hlc.ts';
import { EXAM_SUBMIT_GRACE_MS } from '../../../src/shared/practice-policy.ts';
import type { Op } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import type { DeviceRow } from '../org/org-repo.ts';
import { Rejection } from '../records/op-rejection.ts';
import { onRoster, practiceAttemptRow, type Scope } from '../records/op-rules.ts';
import { writePracticeAttempts } from '../records/op-writes.ts';

export type PracticeOp = Extract<Op, { type: 'practice.attempt' | 'exam.submit' }>;


/** `scope` asks the database (op-rules.ts liveScope for the device's classroom). */
export async function applyPracticeOp(db: HubDatabase, scope: Scope, device: DeviceRow, op: PracticeOp) {
  if (op.type === 'practice.attempt') return writePracticeAttempts(db, [await practiceAttemptRow(scope, device, op)]);
  await onRoster(scope, op.studentId);
  const exam = await db.get<{ answer_key: string; opens_at: string; closes_at: string }>(`SELECT answer_key, opens_at, closes_at FROM exams WHERE id = ? AND lesson_id = ?`, [
    op.examId,
    op.lessonId,
  ]);
  if (!exam) throw new Rejection(`exam ${op.examId} is not part of lesson ${op.lessonId}`);
  const key = JSON.parse(exam.answer_key) as number[];
  if (op.answers.length !== key.length) throw new Rejection(`exam ${op.examId} has ${key.length} questions, got ${op.answers.length} answers`);
  // Taken offline and uploaded after the window is fine; stamped outside the window is not.
  const stampedMs = decodeHlc(op.hlc)?.wallMs ?? 0;
  if (stampedMs < Date.parse(exam.opens_at)) throw new Rejection('exam_not_open: submitted before the window opened');
  if (stampedMs > Date.parse(exam.closes_at) + EXAM_SUBMIT_GRACE_MS) throw new Rejection('exam_closed: submitted after the window closed');
  const stored = await db.run(
    `INSERT INTO exam_submissions (exam_id, student_id, classroom_id, answers, seconds, hlc, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (exam_id, student_id) DO NOTHING`,
    [op.examId, op.studentId, device.classroom_id, JSON.stringify(op.answers), op.s, op.hlc, device.id],
  );
  if (stored.changes === 0) throw new Rejection('exam_already_submitted: answers are locked on first submit');
}
