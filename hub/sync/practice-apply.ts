// Applies students' 练习 attempts and 考核 submissions (called from apply-ops.ts inside the op's savepoint, after its id
// was claimed, so each applies exactly once). Scope: apply-ops.ts has checked the lesson is on the pushing device's
// timetable; here the student must be on its roster and the quiz or exam part of that lesson — another school's device
// can write nothing here. Right/wrong is scored
// here from the hub's own quiz; an exam's key never leaves the hub before its window closes (exam-repo.ts).
import { decodeHlc } from '../../src/shared/hlc.ts';
import { Quiz, type Op } from '../../src/shared/protocol.ts';
import type { HubDatabase } from '../db/open-database.ts';
import type { DeviceRow } from '../org/org-repo.ts';
import { Rejection } from './op-rejection.ts';

export type PracticeOp = Extract<Op, { type: 'practice.attempt' | 'exam.submit' }>;

// A day offline sends thousands of attempts on the same few quizzes: parse each stored quiz body once, not per op.
const parsedQuizzes = new Map<string, Quiz>();
function parseQuiz(body: string): Quiz {
  let quiz = parsedQuizzes.get(body);
  if (!quiz) {
    quiz = Quiz.parse(JSON.parse(body));
    if (parsedQuizzes.size >= 256) parsedQuizzes.clear();
    parsedQuizzes.set(body, quiz);
  }
  return quiz;
}

/** A submission stamped this long after closesAt is refused: the PC locks answers at submit, and its clock follows the hub's. */
const SUBMIT_GRACE_MS = 60_000;

export async function applyPracticeOp(db: HubDatabase, device: DeviceRow, op: PracticeOp) {
  if (!(await db.get(`SELECT 1 FROM students WHERE id = ? AND classroom_id = ?`, [op.studentId, device.classroom_id]))) {
    throw new Rejection(`student ${op.studentId} is not on this classroom's roster`);
  }
  if (op.type === 'practice.attempt') {
    const row = await db.get<{ body: string }>(`SELECT body FROM quizzes WHERE id = ? AND lesson_id = ?`, [op.quizId, op.lessonId]);
    if (!row) throw new Rejection(`quiz ${op.quizId} is not part of lesson ${op.lessonId}`);
    const question = parseQuiz(row.body).questions.find((q) => q.id === op.questionId);
    if (!question) throw new Rejection(`question ${op.questionId} is not in quiz ${op.quizId}`);
    if (op.choice >= question.choices.length) throw new Rejection('choice out of range');
    await db.run(
      `INSERT INTO practice_attempts (op_id, classroom_id, lesson_id, quiz_id, question_id, student_id, choice, correct, seconds, hlc, device_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [op.id, device.classroom_id, op.lessonId, op.quizId, op.questionId, op.studentId, op.choice, Number(op.choice === question.answer), op.s, op.hlc, device.id],
    );
    return;
  }
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
  if (stampedMs > Date.parse(exam.closes_at) + SUBMIT_GRACE_MS) throw new Rejection('exam_closed: submitted after the window closed');
  const stored = await db.run(
    `INSERT INTO exam_submissions (exam_id, student_id, classroom_id, answers, seconds, hlc, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (exam_id, student_id) DO NOTHING`,
    [op.examId, op.studentId, device.classroom_id, JSON.stringify(op.answers), op.s, op.hlc, device.id],
  );
  if (stored.changes === 0) throw new Rejection('exam_already_submitted: answers are locked on first submit');
}
